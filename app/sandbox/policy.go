package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// postPolicy is a decoded PostObject policy: until when it holds and the
// conditions every form field must meet. It is read here from OSS's rules,
// independently of the signing package that writes policies, so a bug
// there cannot hide behind a checker that shares it.
type postPolicy struct {
	expiration time.Time
	conditions []condition
}

// Condition operators a policy may use.
const (
	opEq          = "eq"
	opStartsWith  = "starts-with"
	opIn          = "in"
	opNotIn       = "not-in"
	opLengthRange = "content-length-range"
)

// condition is one policy condition; an object {"name": "value"} is an eq.
type condition struct {
	raw      json.RawMessage // as written, for the refusal message
	op       string
	field    string // lowercase, without the $
	values   []string
	min, max int64
}

func invalidPolicy(format string, args ...any) *Error {
	return errorf(http.StatusBadRequest, CodeInvalidPolicyDocument, "", "Invalid Policy: "+format, args...)
}

// parsePostPolicy reads a policy's JSON. Any shape OSS would not accept is
// InvalidPolicyDocument: conditions must be one-field objects or arrays of
// a known operator, "$field" and values of the operator's type.
func parsePostPolicy(raw []byte) (*postPolicy, *Error) {
	var doc struct {
		Expiration *string           `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, invalidPolicy("Invalid JSON: %v.", err)
	}
	if doc.Expiration == nil {
		return nil, invalidPolicy("Policy has no expiration.")
	}
	exp, err := parsePolicyTime(*doc.Expiration)
	if err != nil {
		return nil, invalidPolicy("Invalid expiration %q: use ISO 8601 in GMT, such as 2026-12-01T12:00:00.000Z.", *doc.Expiration)
	}
	p := &postPolicy{expiration: exp}
	for _, c := range doc.Conditions {
		cond, e := parseCondition(c)
		if e != nil {
			return nil, e
		}
		p.conditions = append(p.conditions, cond)
	}
	return p, nil
}

// parsePolicyTime accepts the ISO 8601 forms OSS does: with or without
// fractional seconds, in UTC.
func parsePolicyTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05Z", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not ISO 8601")
}

func parseCondition(raw json.RawMessage) (condition, *Error) {
	c := condition{raw: raw}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) == nil {
		if len(obj) != 1 {
			return c, invalidPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
		}
		for name, v := range obj {
			s, ok := v.(string)
			if !ok {
				return c, invalidPolicy("Invalid Simple-Condition: the value of %q is not a string.", name)
			}
			c.op, c.field, c.values = opEq, strings.ToLower(name), []string{s}
		}
		return c, nil
	}
	var arr []any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&arr); err != nil || len(arr) != 3 {
		return c, invalidPolicy("Invalid Condition %s: a condition is an object with one field or an array of three elements.", raw)
	}
	op, _ := arr[0].(string)
	c.op = strings.ToLower(op)
	switch c.op {
	case opLengthRange:
		lo, ok1 := wholeNumber(arr[1])
		hi, ok2 := wholeNumber(arr[2])
		if !ok1 || !ok2 || hi < lo {
			return c, invalidPolicy("Invalid content-length-range %s: min-len and max-len are whole numbers and max-len is at least min-len.", raw)
		}
		c.min, c.max = lo, hi
		return c, nil
	case opEq, opStartsWith, opIn, opNotIn:
	default:
		return c, invalidPolicy("Invalid Condition %s: unknown operator %q.", raw, op)
	}
	field, _ := arr[1].(string)
	if !strings.HasPrefix(field, "$") || len(field) < 2 {
		return c, invalidPolicy("Invalid Condition %s: the field must be written as $name.", raw)
	}
	c.field = strings.ToLower(field[1:])
	switch v := arr[2].(type) {
	case string:
		if c.op == opIn || c.op == opNotIn {
			return c, invalidPolicy("Invalid Condition %s: %s takes a list of values.", raw, c.op)
		}
		c.values = []string{v}
	case []any:
		if c.op != opIn && c.op != opNotIn {
			return c, invalidPolicy("Invalid Condition %s: %s takes one string value.", raw, c.op)
		}
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				return c, invalidPolicy("Invalid Condition %s: the list holds a value that is not a string.", raw)
			}
			c.values = append(c.values, s)
		}
	default:
		return c, invalidPolicy("Invalid Condition %s: the value is neither a string nor a list.", raw)
	}
	return c, nil
}

func wholeNumber(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return i, err == nil && i >= 0
}

// check applies every condition but the length range (which is enforced
// while the file streams) to the form; value returns a field's value as
// sent, "" when it is absent. The first failure is OSS's AccessDenied.
func (p *postPolicy) check(value func(field string) string) *Error {
	for _, c := range p.conditions {
		if c.op == opLengthRange {
			continue
		}
		v := value(c.field)
		var ok bool
		switch c.op {
		case opEq:
			ok = v == c.values[0]
		case opStartsWith:
			ok = strings.HasPrefix(v, c.values[0])
		case opIn:
			ok = slices.Contains(c.values, v)
		case opNotIn:
			ok = !slices.Contains(c.values, v)
		}
		if !ok {
			return errorf(http.StatusForbidden, CodeAccessDenied, "", "Invalid according to Policy: Policy Condition failed: %s", c.written())
		}
	}
	return nil
}

// written is the condition as OSS quotes it in a refusal: ["starts-with", "$key", "in/"].
func (c condition) written() string {
	var v any
	if json.Unmarshal(c.raw, &v) != nil {
		return string(c.raw)
	}
	var b strings.Builder
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *strings.Builder, v any) {
	switch v := v.(type) {
	case []any:
		b.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, item)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		for name, item := range v { // one field: the order cannot vary
			enc, _ := json.Marshal(name)
			b.Write(enc)
			b.WriteString(": ")
			writeJSON(b, item)
		}
		b.WriteByte('}')
	default:
		enc, _ := json.Marshal(v)
		b.Write(enc)
	}
}

// lengthRange is the size range every content-length-range condition
// allows together; without one, anything up to MaxObjectSize.
func (p *postPolicy) lengthRange() (lo, hi int64) {
	lo, hi = 0, MaxObjectSize
	for _, c := range p.conditions {
		if c.op == opLengthRange {
			lo, hi = max(lo, c.min), min(hi, c.max)
		}
	}
	return lo, hi
}
