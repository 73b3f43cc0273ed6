package interaction_test

import (
	"encoding/json"
	stderrors "errors"
	"fmt"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/interaction"
)

// Details is a plain struct: encoding/json reads and writes it, and its
// leaf types give "at" and "lat_long" their forms.
func ExampleDetails() {
	doc := `{"asn":4764,"at":1234567890.25,"city":"Melbourne","country_code":"AU",
		"ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],
		"region_code":"VIC","remote_ip":"2001:DB8::0001","timezone":"Australia/Melbourne","user_agent":"curl/8.5.0"}`

	var d interaction.Details
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.At.Format(time.RFC3339Nano), d.RemoteIP, d.LatLong.Lat(), d.Validate())

	// Encoding writes every key, the address in its canonical form.
	out, _ := json.Marshal(d)
	fmt.Println(string(out))
	// Output:
	// 2009-02-13T23:31:30.25Z 2001:db8::1 -37.8159 <nil>
	// {"asn":4764,"at":1234567890.25,"city":"Melbourne","country_code":"AU","ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],"region_code":"VIC","remote_ip":"2001:db8::1","timezone":"Australia/Melbourne","user_agent":"curl/8.5.0"}
}

// Embedded in a type of your own, Details keeps your fields beside its own.
func ExampleDetails_embedded() {
	type Visit struct {
		interaction.Details
		Page string `json:"page"`
	}
	var v Visit
	_ = json.Unmarshal([]byte(`{"asn":4764,"at":1234567890,"page":"/login"}`), &v)
	fmt.Println(v.ASN, v.At.Unix(), v.Page)
	// Output:
	// 4764 1234567890 /login
}

// A leaf that cannot hold its value fails with an *errors.Error; its path
// is relative to the leaf, as encoding/json does not say where it was.
func ExampleLatLong_UnmarshalJSON() {
	var d interaction.Details
	err := json.Unmarshal([]byte(`{"asn":4764,"lat_long":[-37.8159]}`), &d)
	fmt.Println(err)
	// Output:
	// invalid_value: must be an array of exactly 2 numbers, [latitude, longitude], not 1
}

// A UnixTime is written as a number of Unix seconds, exactly, and read from
// any form of JSON number.
func ExampleUnixTime() {
	at := interaction.UnixTime{Time: time.Date(2009, 2, 13, 23, 31, 30, 123456789, time.UTC)}
	out, _ := json.Marshal(at)
	fmt.Println(string(out))

	for _, in := range []string{"1234567890", "1234567890.123456789", "1.2345678905e9", "0"} {
		var t interaction.UnixTime
		if err := json.Unmarshal([]byte(in), &t); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(in, "→", t.Format(time.RFC3339Nano), t.IsZero())
	}
	var t interaction.UnixTime
	fmt.Println(json.Unmarshal([]byte("1e18"), &t))
	// Output:
	// 1234567890.123456789
	// 1234567890 → 2009-02-13T23:31:30Z false
	// 1234567890.123456789 → 2009-02-13T23:31:30.123456789Z false
	// 1.2345678905e9 → 2009-02-13T23:31:30.5Z false
	// 0 → 0001-01-01T00:00:00Z true
	// invalid_value: must be less than 10^18 seconds from 1970
}

func ExampleDetails_Validate() {
	d := interaction.Details{
		ASN:            4764,
		At:             interaction.UnixTime{Time: time.Unix(1234567890, 0)},
		CountryCode:    "au",
		JA4Fingerprint: "q13d0314h3_55b375c5d22e_61e396c58b1f",
		LatLong:        interaction.LatLong{-37.8159, 200},
		Timezone:       "Local",
	}
	err := d.Validate()
	var e *apierrors.Error
	if stderrors.As(err, &e) {
		fmt.Println(e.Code())
		for _, p := range e.Problems() {
			fmt.Printf("%s [%s]: %s\n", p.Path, p.Rule, p.Message)
		}
	}
	// Output:
	// invalid_value
	// country_code [country_code]: must match ^[A-Z]{2}$
	// lat_long[1] [longitude]: must be a longitude from -180 to 180
	// remote_ip [required]: is required
	// timezone [timezone]: must have the shape of an IANA time zone name, such as Australia/Melbourne or UTC
}
