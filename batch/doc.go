// Package batch runs one command over many images: it expands a command's
// inputs into image references (arguments, a list file, a registry's
// catalog), runs a function per reference with bounded concurrency, and
// hands each result to a sink (JSON Lines, one file per image) as soon as
// it is ready.
//
// Memory is bounded by the number of jobs, not by the number of images: the
// runner keeps no result after the sink took it, and the sinks write each
// result and let it go. Only the list of references (strings) grows with the
// number of images.
//
// Redaction stays with the caller: NewJSONL writes to the io.Writer it is
// given (the CLI passes its redacting stdout), and NewDir applies the filter
// it is given to each file's bytes (the CLI passes redact.Bytes).
package batch
