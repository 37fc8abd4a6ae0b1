package redact

import (
	"encoding/json"
	"html/template"
	"reflect"
)

// Value redacts, in place, every string reachable from v (a pointer, map
// or slice): struct fields, slice and array elements, map keys and values,
// values behind interfaces. A map value or a struct's Value field whose key
// or Name names a secret is redacted whatever it looks like. Unexported
// fields are left alone (no encoder sees them). Run it on a result before
// any renderer, which may cut or escape a string and hide a secret from a
// later pass.
func Value(v any) {
	w := walker{seen: map[uintptr]bool{}}
	w.walk(reflect.ValueOf(v))
}

type walker struct{ seen map[uintptr]bool }

var (
	rawMessage  = reflect.TypeOf(json.RawMessage(nil))
	stringsType = reflect.TypeOf([]string(nil))
	// htmlType is trusted markup: its labels are written escaped.
	htmlType = reflect.TypeOf(template.HTML(""))
)

func (w walker) walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || w.seen[v.Pointer()] {
			return
		}
		w.seen[v.Pointer()] = true
		w.walk(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return
		}
		e := v.Elem()
		if e.Kind() == reflect.Pointer || e.Kind() == reflect.Map || e.Kind() == reflect.Slice {
			w.walk(e)
			return
		}
		if v.CanSet() {
			c := reflect.New(e.Type()).Elem()
			c.Set(e)
			w.walk(c)
			v.Set(c)
		}
	case reflect.String:
		if v.CanSet() {
			if s := v.String(); s != "" {
				if r := replace(s, v.Type() == htmlType); r != s {
					v.SetString(r)
				}
			}
		}
	case reflect.Struct:
		w.walkStruct(v)
	case reflect.Slice:
		if v.IsNil() {
			return
		}
		if v.Type() == rawMessage && v.CanSet() {
			if s := string(v.Bytes()); Contains(s) {
				v.SetBytes([]byte(String(s)))
			}
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes: not text an encoder prints as such
		}
		if v.Type() == stringsType && v.CanInterface() {
			argv(v.Interface().([]string)) // a command line split in words
		}
		if v.Len() > 0 && w.seen[v.Pointer()] {
			return
		}
		if v.Len() > 0 {
			w.seen[v.Pointer()] = true
		}
		fallthrough
	case reflect.Array:
		for i := range v.Len() {
			w.walk(v.Index(i))
		}
	case reflect.Map:
		w.walkMap(v)
	}
}

// walkStruct walks the exported fields and redacts Value when Name (or Key)
// names a secret: {Name: "DB_PASSWORD", Value: "…"}.
func (w walker) walkStruct(v reflect.Value) {
	t := v.Type()
	name := ""
	for _, n := range []string{"Name", "Key"} {
		if f := v.FieldByName(n); f.IsValid() && f.Kind() == reflect.String {
			name = f.String()
			break
		}
	}
	for i := range v.NumField() {
		f := v.Field(i)
		if !t.Field(i).IsExported() {
			continue
		}
		if name != "" && t.Field(i).Name == "Value" && f.Kind() == reflect.String && f.CanSet() && keyedValue(name, f.String()) {
			f.SetString(Label(RuleSecretName))
			continue
		}
		w.walk(f)
	}
}

// walkMap redacts keys and values; a string value under a secret key is
// replaced whole.
func (w walker) walkMap(v reflect.Value) {
	if v.IsNil() || v.Len() == 0 || w.seen[v.Pointer()] {
		return
	}
	w.seen[v.Pointer()] = true
	kt, et := v.Type().Key(), v.Type().Elem()
	iter := v.MapRange()
	type entry struct{ k, v reflect.Value }
	var changed []entry
	var removed []reflect.Value
	for iter.Next() {
		k, val := iter.Key(), iter.Value()
		nk := k
		if kt.Kind() == reflect.String {
			if r := String(k.String()); r != k.String() {
				nk = reflect.New(kt).Elem()
				nk.SetString(r)
				removed = append(removed, k)
			}
		}
		nv := reflect.New(et).Elem()
		nv.Set(val)
		if kt.Kind() == reflect.String && et.Kind() == reflect.String && keyedValue(k.String(), val.String()) {
			nv.SetString(Label(RuleSecretName))
		} else if et.Kind() == reflect.Interface && kt.Kind() == reflect.String && val.Elem().Kind() == reflect.String &&
			keyedValue(k.String(), val.Elem().String()) {
			nv.Set(reflect.ValueOf(Label(RuleSecretName)))
		} else {
			w.walk(nv)
		}
		if nk != k || !reflect.DeepEqual(nv.Interface(), val.Interface()) {
			changed = append(changed, entry{nk, nv})
		}
	}
	for _, k := range removed {
		v.SetMapIndex(k, reflect.Value{})
	}
	for _, e := range changed {
		v.SetMapIndex(e.k, e.v)
	}
}

// Strings redacts each string of a list in place and returns it.
func Strings(list []string) []string {
	for i, s := range list {
		list[i] = String(s)
	}
	return list
}
