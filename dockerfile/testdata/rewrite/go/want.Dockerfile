# build: the original steps, on the full image
FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o bin/server ./cmd/server

# final: distroless, no shell, no package manager, nonroot
FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /src
EXPOSE 8080
COPY --from=build /src/bin/server /app/server
USER 65532:65532
ENTRYPOINT ["/app/server"]
