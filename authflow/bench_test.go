package authflow_test

import (
	"encoding/json"
	"testing"

	"github.com/go-playground/validator/v10"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
)

// The benchmarks measure the seed envelope, each operation beside its
// baseline: encoding/json and validator/v10 on the plain struct a user would
// write by hand (plainFetchResponse).

func BenchmarkDecode(b *testing.B) {
	doc := examples.FetchResponseJSON()
	b.Run("FetchResponse.UnmarshalJSON", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			var resp authflow.FetchResponse
			if err := resp.UnmarshalJSON(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal/FetchResponse", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			var resp authflow.FetchResponse
			if err := json.Unmarshal(doc, &resp); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/json.Unmarshal/plain", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			var resp plainFetchResponse
			if err := json.Unmarshal(doc, &resp); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkEncode(b *testing.B) {
	doc := examples.FetchResponseJSON()
	resp := authflow.FetchResponse{Summary: examples.Authflow()}
	var plain plainFetchResponse
	if err := json.Unmarshal(doc, &plain); err != nil {
		b.Fatal(err)
	}
	b.Run("FetchResponse.AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		buf := make([]byte, 0, 2*len(doc))
		for b.Loop() {
			var err error
			if buf, err = resp.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FetchResponse.MarshalJSON", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := resp.MarshalJSON(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Marshal/FetchResponse", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := json.Marshal(resp); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/json.Marshal/plain", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(doc)))
		for b.Loop() {
			if _, err := json.Marshal(&plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkValidate(b *testing.B) {
	flow := examples.Authflow()
	var plain plainFetchResponse
	if err := json.Unmarshal(examples.FetchResponseJSON(), &plain); err != nil {
		b.Fatal(err)
	}
	v := validator.New(validator.WithRequiredStructEnabled())
	if err := v.Struct(&plain); err != nil {
		b.Fatalf("the baseline does not validate: %v", err)
	}
	b.Run("Authflow.Validate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := flow.Validate(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline/validator/plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := v.Struct(&plain); err != nil {
				b.Fatal(err)
			}
		}
	})
}
