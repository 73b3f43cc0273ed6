package interaction_test

import (
	"encoding/json"
	stderrors "errors"
	"fmt"
	"time"

	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/interaction"
)

func ExampleDetails_UnmarshalJSON() {
	doc := `{"asn":4764,"at":1234567890.25,"city":"Melbourne","country_code":"AU",
		"ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],
		"region_code":"VIC","remote_ip":"2001:DB8::0001","timezone":"Australia/Melbourne","user_agent":"curl/8.5.0"}`

	var d interaction.Details
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.At.Format(time.RFC3339Nano), d.RemoteIP, d.LatLong.Lat, d.Validate())

	// Encoding writes the canonical form: the address shortened, lower case.
	out, _ := json.Marshal(d)
	fmt.Println(string(out))
	// Output:
	// 2009-02-13T23:31:30.25Z 2001:db8::1 -37.8159 <nil>
	// {"asn":4764,"at":1234567890.25,"city":"Melbourne","country_code":"AU","ja4_fingerprint":"q13d0314h3_55b375c5d22e_61e396c58b1f","lat_long":[-37.8159,144.9669],"region_code":"VIC","remote_ip":"2001:db8::1","timezone":"Australia/Melbourne","user_agent":"curl/8.5.0"}
}

// Decoding fails only where a field cannot hold the value, naming the key.
func ExampleDetails_UnmarshalJSON_error() {
	var d interaction.Details
	err := json.Unmarshal([]byte(`{"asn":4764,"lat_long":[-37.8159]}`), &d)
	fmt.Println(err)
	// Output:
	// invalid_value: lat_long: must be an array of exactly 2 numbers, [latitude, longitude], not 1
}

func ExampleDetails_Validate() {
	d := interaction.Details{
		ASN:            4764,
		At:             time.Unix(1234567890, 0),
		CountryCode:    "au",
		JA4Fingerprint: "q13d0314h3_55b375c5d22e_61e396c58b1f",
		LatLong:        interaction.LatLong{Lat: -37.8159, Long: 200},
		Timezone:       "Local",
	}
	err := d.Validate()
	var e *apierrors.Error
	if stderrors.As(err, &e) {
		fmt.Println(e.Code)
		for _, p := range e.Problems {
			fmt.Printf("%s [%s]: %s\n", p.Path, p.Rule, p.Message)
		}
	}
	// Output:
	// invalid_value
	// country_code [country_code]: must match ^[A-Z]{2}$
	// lat_long[1] [longitude]: must be a longitude from -180 to 180
	// remote_ip [required]: is required
	// timezone [timezone]: must be an IANA time zone name such as Australia/Melbourne
}
