package minify_test

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	tu "github.com/harden-dev/harden/internal/testutil"
)

const (
	rubyStd  = "usr/lib/ruby/3.1.0/"
	rubyArch = "usr/lib/x86_64-linux-gnu/ruby/3.1.0/"
	rubyVend = "usr/lib/ruby/vendor_ruby/"
	rubyInt  = "usr/share/rubygems-integration/all/"
)

// debianRuby is Debian's ruby3.1 layout: the standard library, its arch
// directory, vendor_ruby with rubygems, the encoding tables and a gem in
// rubygems-integration.
func debianRuby(t *testing.T, files ...tu.File) []tu.File {
	return withLibs(t, append([]tu.File{
		tu.Symlink("usr/bin/ruby", "ruby3.1"), tu.Exe("usr/bin/ruby3.1", elfFile(t, "app-plain")),
		tu.Reg(rubyArch+"rbconfig.rb", "module RbConfig; end"),
		tu.Reg(rubyArch+"enc/encdb.so", elfFile(t, "liba.so.1")), tu.Reg(rubyArch+"enc/trans/transdb.so", elfFile(t, "liba.so.1")),
		tu.Reg(rubyArch+"enc/euc_jp.so", elfFile(t, "liba.so.1")),
		tu.Reg(rubyVend+"rubygems.rb", "require 'rbconfig'\nrequire_relative 'rubygems/defaults'\n"+
			"module Gem\n  autoload :ConfigFile, File.expand_path('rubygems/config_file', __dir__)\nend\n"),
		tu.Reg(rubyVend+"rubygems/defaults.rb", "begin\n  require 'rubygems/defaults/operating_system'\nrescue LoadError\nend\n"),
		tu.Reg(rubyVend+"rubygems/defaults/operating_system.rb", ""),
		tu.Reg(rubyVend+"rubygems/config_file.rb", ""), tu.Reg(rubyVend+"rubygems/installer.rb", ""),
		tu.Reg(rubyStd+"did_you_mean.rb", ""), tu.Reg(rubyStd+"error_highlight.rb", ""),
		tu.Reg("usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", ""),
		tu.Reg(rubyInt+"specifications/webrick-1.8.1.gemspec", ""),
		tu.Reg(rubyInt+"gems/webrick-1.8.1/lib/webrick.rb", "require 'webrick/version'\n# require 'webrick_comment'\n"+
			"module WEBrick\n  def self.ssl\n    require 'erb'\n  end\nend\n"),
		tu.Reg(rubyInt+"gems/webrick-1.8.1/lib/webrick/version.rb", ""),
		tu.Reg(rubyInt+"gems/webrick-1.8.1/README.md", ""),
		tu.Reg(rubyInt+"gems/rake-13.0.6/lib/rake.rb", ""),
		tu.Reg("usr/share/doc/ruby3.1/changelog.gz", ""), tu.Reg("usr/share/ri/3.1.0/system/String/cdesc-String.ri", ""),
	}, files...)...)
}

// The app's requires are followed along ruby's load path (vendor_ruby
// before the standard library, a directory's .rb before its .so, the
// standard library before its arch directory), into gems when no load path
// directory has them, through require_relative and autoload, and
// recursively; what nothing requires is dropped. Requires inside methods
// count in the app and its gems, not in the standard library.
func TestRubyRequires(t *testing.T) {
	files := debianRuby(t,
		tu.Reg(rubyStd+"json.rb", "require 'json/common'\nrequire_relative 'json/ext'\n"),
		tu.Reg(rubyStd+"json/common.rb", ""), tu.Reg(rubyStd+"json/ext.rb", "require 'json/ext/parser'\n"),
		tu.Reg(rubyArch+"json/ext/parser.so", elfFile(t, "liba.so.1")),
		tu.Reg(rubyStd+"socket.rb", "require 'socket.so'\n"), tu.Reg(rubyArch+"socket.so", elfFile(t, "liba.so.1")),
		tu.Reg(rubyStd+"digest.rb", "require 'digest.so'\n"), tu.Reg(rubyArch+"digest.so", elfFile(t, "liba.so.1")),
		tu.Reg(rubyStd+"digest/sha2.rb", "require 'digest/sha2.so'\n"), tu.Reg(rubyArch+"digest/sha2.so", elfFile(t, "liba.so.1")),
		tu.Reg(rubyStd+"set.rb", ""), tu.Reg(rubyStd+"tsort.rb", ""), tu.Reg(rubyStd+"unused.rb", ""),
		// a require inside a method of the standard library is not followed
		tu.Reg(rubyStd+"securerandom.rb", "module Random\n  def gen_random(n)\n    require 'openssl'\n  end\n"+
			"  def one_line = require('openssl')\nend\nrequire 'random/formatter'\n"),
		tu.Reg(rubyStd+"random/formatter.rb", ""), tu.Reg(rubyStd+"openssl.rb", ""), tu.Reg(rubyStd+"webrick_comment.rb", ""),
		tu.Reg(rubyStd+"erb.rb", ""), tu.Reg(rubyStd+"pp.rb", ""),
		tu.Reg(rubyStd+"shadow.rb", ""), tu.Reg(rubyVend+"shadow.rb", ""),
		tu.Reg("var/lib/gems/3.1.0/gems/sinatra-3.0/lib/sinatra.rb", ""),
		tu.Reg("opt/rubylib/helper.rb", "require 'tsort'\n"), tu.Reg("opt/rubylib/data.yml", ""),
		tu.Reg("app/lib/util.rb", "require('set')\nrequire 'securerandom'\ndef pretty(x)\n  require 'pp'\nend\n"),
		tu.Reg("app/main.rb", "require 'json'\nrequire \"socket\"\nrequire_relative 'lib/util'\nrequire 'webrick'\n"+
			"autoload :Sinatra, 'sinatra'\nrequire 'shadow'\nrequire 'digest'\nrequire 'nothere'\nrequire \"dyn/#{name}\"\n"),
	)
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Cmd = []string{"ruby", "main.rb"}
		c.WorkingDir = "/app"
		c.Env = []string{"PATH=/usr/bin", "RUBYLIB=/opt/rubylib"}
	}, [][]tu.File{files})
	checkKept(t, sel, []string{
		"/usr/bin/ruby3.1", "/app/main.rb", "/app/lib/util.rb", "/opt/rubylib/helper.rb", "/opt/rubylib/data.yml",
		"/" + rubyStd + "json.rb", "/" + rubyStd + "json/common.rb", "/" + rubyStd + "json/ext.rb", "/" + rubyArch + "json/ext/parser.so",
		"/" + rubyStd + "socket.rb", "/" + rubyArch + "socket.so", "/" + rubyStd + "digest.rb", "/" + rubyArch + "digest.so",
		"/" + rubyStd + "digest/sha2.rb", "/" + rubyArch + "digest/sha2.so", // Digest.const_missing
		"/" + rubyStd + "set.rb", "/" + rubyStd + "tsort.rb", "/" + rubyStd + "securerandom.rb", "/" + rubyStd + "random/formatter.rb",
		"/" + rubyStd + "pp.rb", "/" + rubyStd + "erb.rb", "/" + rubyVend + "shadow.rb",
		"/" + rubyInt + "gems/webrick-1.8.1/lib/webrick.rb", "/" + rubyInt + "gems/webrick-1.8.1/lib/webrick/version.rb",
		"/" + rubyInt + "specifications/webrick-1.8.1.gemspec", "/var/lib/gems/3.1.0/gems/sinatra-3.0/lib/sinatra.rb",
		// what ruby loads at start-up, and the closure of an extension
		"/" + rubyArch + "rbconfig.rb", "/" + rubyArch + "enc/encdb.so", "/" + rubyArch + "enc/trans/transdb.so",
		"/" + rubyVend + "rubygems.rb", "/" + rubyVend + "rubygems/defaults.rb", "/" + rubyVend + "rubygems/defaults/operating_system.rb",
		"/" + rubyStd + "did_you_mean.rb", "/" + rubyStd + "error_highlight.rb",
		"/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec", "/usr/lib/x86_64-linux-gnu/libb.so.1",
	}, []string{
		"/" + rubyStd + "unused.rb", "/" + rubyStd + "shadow.rb", "/" + rubyArch + "enc/euc_jp.so",
		"/" + rubyVend + "rubygems/installer.rb", "/" + rubyVend + "rubygems/config_file.rb", "/" + rubyStd + "openssl.rb",
		"/" + rubyStd + "webrick_comment.rb", "/" + rubyInt + "gems/rake-13.0.6/lib/rake.rb",
		"/" + rubyInt + "gems/webrick-1.8.1/README.md",
		"/usr/share/doc/ruby3.1/changelog.gz", "/usr/share/ri/3.1.0/system/String/cdesc-String.ri",
	})
	if !contains(sel.Profiles, "ruby") || contains(sel.Profiles, "perl") {
		t.Errorf("Profiles = %v", sel.Profiles)
	}
	warnings := strings.Join(sel.Warnings, "\n")
	if !strings.Contains(warnings, `requires "nothere", which is neither on the load path nor in a gem`) {
		t.Errorf("no warning for the missing require: %q", sel.Warnings)
	}
	if strings.Contains(warnings, "operating_system") || strings.Contains(warnings, "dyn/") {
		t.Errorf("warnings name the runtime's own or a computed require: %q", sel.Warnings)
	}
}

// ruby -r and -e on the command line (and RUBYOPT) require features too; a
// site_ruby directory comes before vendor_ruby and the standard library;
// in one directory NAME.rb wins over NAME.so.
func TestRubyCommandLineRequires(t *testing.T) {
	files := debianRuby(t,
		tu.Reg(rubyStd+"json.rb", ""), tu.Reg(rubyStd+"socket.rb", ""), tu.Reg(rubyStd+"set.rb", ""),
		tu.Reg(rubyStd+"openssl.rb", ""), tu.Reg("usr/local/lib/site_ruby/3.1.0/openssl.rb", ""),
		tu.Reg(rubyStd+"fast.rb", ""), tu.Reg(rubyStd+"fast.so", elfFile(t, "liba.so.1")), tu.Reg(rubyStd+"native.so", elfFile(t, "liba.so.1")),
	)
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Cmd = []string{"ruby", "-rjson", "-r", "openssl", "-e", "require 'socket'; require 'fast'; require 'native.so'; puts 1"}
		c.Env = []string{"PATH=/usr/bin", "RUBYOPT=-rset"}
	}, [][]tu.File{files})
	checkKept(t, sel,
		[]string{"/" + rubyStd + "json.rb", "/" + rubyStd + "socket.rb", "/" + rubyStd + "set.rb", "/usr/local/lib/site_ruby/3.1.0/openssl.rb",
			"/" + rubyStd + "fast.rb", "/" + rubyStd + "native.so"},
		[]string{"/" + rubyStd + "openssl.rb", "/" + rubyStd + "fast.so", "/" + rubyInt + "gems/webrick-1.8.1/lib/webrick.rb"})
}

// Bundler.require loads the Gemfile's gems by computed names: an app that
// requires bundler/setup keeps GEM_HOME whole, not the distribution's gems;
// so does a binstub (bundle exec, puma) that activates a gem's executable.
func TestRubyBundlerKeepsGemHome(t *testing.T) {
	binstub := debianRuby(t, tu.Exe("usr/local/bundle/bin/puma", "#!/usr/bin/ruby3.1\nrequire 'rubygems'\nload Gem.activate_bin_path('puma', 'puma', version)\n"),
		tu.Reg("usr/local/bundle/gems/puma-6.4.0/lib/puma.rb", ""), tu.Reg("app/config.ru", ""))
	_, _, sel := plan(t, func(c *v1.Config) {
		c.Cmd = []string{"puma"}
		c.WorkingDir = "/app"
		c.Env = []string{"PATH=/usr/local/bundle/bin:/usr/bin", "GEM_HOME=/usr/local/bundle"}
	}, [][]tu.File{binstub})
	checkKept(t, sel, []string{"/usr/local/bundle/bin/puma", "/usr/local/bundle/gems/puma-6.4.0/lib/puma.rb"},
		[]string{"/" + rubyInt + "gems/rake-13.0.6/lib/rake.rb"})

	files := debianRuby(t,
		tu.Reg(rubyStd+"bundler/setup.rb", ""), tu.Reg("usr/local/bundle/gems/rack-3.0.8/lib/rack.rb", ""),
		tu.Reg("usr/local/bundle/gems/rack-3.0.8/lib/rack/mime.rb", ""),
		tu.Reg("app/config.ru", ""), tu.Reg("app/app.rb", "require 'bundler/setup'\nBundler.require\n"),
	)
	_, _, sel = plan(t, func(c *v1.Config) {
		c.Cmd = []string{"ruby", "app.rb"}
		c.WorkingDir = "/app"
		c.Env = []string{"PATH=/usr/bin", "GEM_HOME=/usr/local/bundle"}
	}, [][]tu.File{files})
	checkKept(t, sel,
		[]string{"/" + rubyStd + "bundler/setup.rb", "/usr/local/bundle/gems/rack-3.0.8/lib/rack/mime.rb", "/app/config.ru"},
		[]string{"/" + rubyInt + "gems/rake-13.0.6/lib/rake.rb"})
}
