module example.com/gocgo

go 1.22

require github.com/mattn/go-sqlite3 v1.14.24
