package dockerfile

import "github.com/moby/buildkit/frontend/dockerfile/instructions"

// KeyValue is one key of an ENV, ARG or LABEL. HasValue is false for
// "ARG name" without a default.
type KeyValue struct {
	Key, Value string
	HasValue   bool
}

// KeyValues returns the pairs an ENV, ARG or LABEL declares, in order.
func (in *Instruction) KeyValues() []KeyValue {
	var out []KeyValue
	switch c := in.Command.(type) {
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			out = append(out, KeyValue{Key: kv.Key, Value: kv.Value, HasValue: true})
		}
	case *instructions.LabelCommand:
		for _, kv := range c.Labels {
			out = append(out, KeyValue{Key: kv.Key, Value: kv.Value, HasValue: true})
		}
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			v := KeyValue{Key: kv.Key}
			if kv.Value != nil {
				v.Value, v.HasValue = *kv.Value, true
			}
			out = append(out, v)
		}
	}
	return out
}
