package fsindex

import "reflect"

// WithCacheFilter keeps secrets out of the layer cache: holds reports
// whether a string holds a secret (harden passes its redactor's detector),
// and a layer part with such a string anywhere (a path, a link target, an
// xattr, a kept file, a parsed value) is not stored, so that layer is read
// again next time. harden writes no secret found in an image, and a cache
// entry is written output too.
func WithCacheFilter(holds func(s string) bool) Option {
	return func(o *options) error { o.cacheSecret = holds; return nil }
}

// metaClean reports whether the layer's entries hold no secret.
func (o *options) metaClean(res *layerResult) bool {
	if o.cacheSecret == nil {
		return true
	}
	for i := range res.records {
		r := &res.records[i]
		if o.cacheSecret(r.path) || r.link != "" && o.cacheSecret(r.link) {
			return false
		}
		for k, v := range r.xattrs {
			if o.cacheSecret(k + "=" + v) {
				return false
			}
		}
	}
	for _, a := range res.anomalies {
		if o.cacheSecret(a.Name) {
			return false
		}
	}
	return true
}

// wantClean reports whether what w kept of the layer holds no secret: the
// kept contents as they are, each parsed value as the text of its encoding.
func (o *options) wantClean(res *layerResult, w *Want, ocs []outcome) bool {
	if o.cacheSecret == nil {
		return true
	}
	for _, oc := range ocs {
		r := &res.records[oc.rec]
		switch oc.kind {
		case outcomeData:
			if o.cacheSecret(string(r.data)) {
				return false
			}
		case outcomeValue:
			if anyString(reflect.ValueOf(r.parsed[w.Name]), o.cacheSecret, 0) {
				return false
			}
		}
	}
	return true
}

// anyString reports whether holds is true of a string in v: its strings,
// byte slices, and those of its elements, map keys and exported fields
// (what the cache's encoding stores). Deeper than maxDepth is a yes, so a
// value the walk cannot finish is never stored.
func anyString(v reflect.Value, holds func(string) bool, depth int) bool {
	if depth > maxDepth {
		return true
	}
	switch v.Kind() {
	case reflect.String:
		return holds(v.String())
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && anyString(v.Elem(), holds, depth+1)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return holds(string(v.Bytes()))
		}
		for i := 0; i < v.Len(); i++ {
			if anyString(v.Index(i), holds, depth+1) {
				return true
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if anyString(it.Key(), holds, depth+1) || anyString(it.Value(), holds, depth+1) {
				return true
			}
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() && anyString(v.Field(i), holds, depth+1) {
				return true
			}
		}
	}
	return false
}

// maxDepth bounds the walk of a parsed value.
const maxDepth = 32
