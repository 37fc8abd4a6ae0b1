// Package scripts holds the shell scripts that set up harden's test and
// demo machine and build its fixture images (make setup, make fixtures,
// make demo). Nothing in harden's binary runs or embeds them.
package scripts
