package fsindex

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
)

// valueCodec encodes the values one want's Parse made of a layer, for a
// Cache. Decoding must give values that the analyzer cannot tell from
// Parse's (gob gives nil for empty slices and maps: values must not tell
// them apart).
type valueCodec interface {
	// id names the encoding and the value type, so a change of either is a
	// different cache part.
	id() string
	encode(vals []any) ([]byte, error)
	decode(data []byte) ([]any, error)
}

// valueCodec returns how the want's values are encoded: NewKey's typed
// codec, or for a want made otherwise with a parse, one that refuses (the
// want is then never cached).
func (w *Want) valueCodec() valueCodec {
	if w.codec != nil {
		return w.codec
	}
	return noCodec{}
}

type noCodec struct{}

func (noCodec) id() string { return "none" }

func (noCodec) encode([]any) ([]byte, error) { return nil, fmt.Errorf("no encoding for these values") }

func (noCodec) decode([]byte) ([]any, error) { return nil, fmt.Errorf("no encoding for these values") }

// typedCodec gob-encodes values of one static type T: no registration, and
// the type's name is part of the cache part's name. Each value is boxed in
// a struct, because gob refuses nil pointers as slice elements but leaves
// out a nil field (and gives it back as nil). gob also gives back empty
// slices and maps, and pointers to zero values, as nil: values must not
// tell those apart.
type typedCodec[T any] struct{}

type box[T any] struct{ V T }

func (typedCodec[T]) id() string { return "gob:" + reflect.TypeFor[T]().String() }

func (typedCodec[T]) encode(vals []any) ([]byte, error) {
	bs := make([]box[T], len(vals))
	for i, v := range vals {
		t, ok := v.(T)
		if !ok && v != nil {
			return nil, fmt.Errorf("value of type %T, want %s", v, reflect.TypeFor[T]())
		}
		bs[i].V = t
	}
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(bs)
	return buf.Bytes(), err
}

func (typedCodec[T]) decode(data []byte) ([]any, error) {
	var bs []box[T]
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&bs); err != nil {
		return nil, err
	}
	vals := make([]any, len(bs))
	for i, b := range bs {
		vals[i] = b.V
	}
	return vals, nil
}
