package interaction

import (
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/internal/jsonwire"
)

// MarshalJSON implements [encoding/json.Marshaler]: the number of Unix seconds,
// exactly (see [UnixTime]).
func (t UnixTime) MarshalJSON() ([]byte, error) {
	return jsonwire.AppendUnixTime(make([]byte, 0, 24), t.Time), nil
}

// UnmarshalJSON implements [encoding/json.Unmarshaler]: it reads a number of Unix
// seconds, exactly, as a time in UTC (see [UnixTime]). null leaves t
// unchanged, as encoding/json's convention asks. It fails, leaving t
// unchanged, with an [*apierrors.Error] of rule type (not a number) or
// unix_time (10^18 seconds or more from 1970).
func (t *UnixTime) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	if r.Null() {
		r.End()
		return apierrors.FromDecode(r.Err())
	}
	v := r.UnixTime()
	r.End()
	if err := r.Err(); err != nil {
		return apierrors.FromDecode(err)
	}
	t.Time = v
	return nil
}

// UnmarshalJSON implements [encoding/json.Unmarshaler]. It reads the array
// [latitude, longitude], which must hold exactly two numbers; null leaves
// ll unchanged. It fails, leaving ll unchanged, with an [*apierrors.Error] of
// rule lat_long (not two numbers), type or range (a number beyond float64).
func (ll *LatLong) UnmarshalJSON(data []byte) error {
	var r jsonwire.Reader
	r.Reset(data)
	if r.Null() {
		r.End()
		return apierrors.FromDecode(r.Err())
	}
	lat, long := r.LatLong()
	r.End()
	if err := r.Err(); err != nil {
		return apierrors.FromDecode(err)
	}
	*ll = LatLong{lat, long}
	return nil
}
