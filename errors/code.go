package errors

// A Code classifies an API error. Its text form, carried in the error
// envelope's "code" member, is snake_case, such as "not_found".
//
// The constants below are the codes the API defines. A server may add codes:
// a code outside the list decodes as itself and is kept, not replaced, and
// [Code.HTTPStatus] maps it to 500.
type Code string

// The codes the API defines, with the HTTP status each is served with.
const (
	// BadRequest (400) means the request is malformed: a body that is not
	// JSON, a method the endpoint does not serve.
	BadRequest Code = "bad_request"
	// InvalidValue (400) means a value is present but wrong: it breaks a rule
	// of the field it is in.
	InvalidValue Code = "invalid_value"
	// RequiredValue (400) means a required value is missing: absent, null,
	// empty or zero.
	RequiredValue Code = "required_value"
	// UnexpectedRefType (400) means a value refers to a resource of another
	// type than the one expected, such as a summary whose "type" is not
	// "authflow".
	UnexpectedRefType Code = "unexpected_ref_type"
	// BadAuthToken (401) means the credentials are malformed, expired or
	// unknown.
	BadAuthToken Code = "bad_authtoken"
	// NotAuthenticated (401) means no credentials were sent.
	NotAuthenticated Code = "not_authenticated"
	// NotPermitted (403) means the caller is authenticated but not allowed to
	// do what it asked.
	NotPermitted Code = "not_permitted"
	// NotFound (404) means there is no such resource.
	NotFound Code = "not_found"
	// InvalidAction (409) means the action is not allowed in the resource's
	// current state.
	InvalidAction Code = "invalid_action"
	// Unexpected (500) means the server failed.
	Unexpected Code = "unexpected"
	// Unknown (500) means an error the server could not classify.
	Unknown Code = "unknown"
	// NotImplemented (501) means the server does not support what was asked.
	NotImplemented Code = "not_implemented"
)

// HTTPStatus returns the HTTP status code an error of code c is served with,
// per the API's table: 400, 401, 403, 404, 409, 500 or 501. A code outside
// the API's list, including the empty code, maps to 500.
func (c Code) HTTPStatus() int {
	switch c {
	case BadRequest, InvalidValue, RequiredValue, UnexpectedRefType:
		return 400
	case BadAuthToken, NotAuthenticated:
		return 401
	case NotPermitted:
		return 403
	case NotFound:
		return 404
	case InvalidAction:
		return 409
	case Unexpected, Unknown:
		return 500
	case NotImplemented:
		return 501
	default:
		return 500
	}
}

// Error returns the code's text form, such as "not_found". A Code is an
// error so that it can be the target of errors.Is, and so that a [github.com/authflow-dev/authflow-go/authflow.Store]
// or an authorizer may return one as it is: a server answers a bare Code
// with its status and a generic message.
func (c Code) Error() string { return string(c) }

func (c Code) apiCode() Code { return c }

// Is reports whether target is c, or an [*Error] with code c.
func (c Code) Is(target error) bool {
	switch t := target.(type) {
	case Code:
		return t == c
	case *Error:
		return t != nil && t.code == c
	}
	return false
}

// Description returns what the code means, such as "no such resource" for
// [NotFound]: a generic message, safe to send to any client. A code outside
// the API's list is described as "an error the server could not classify".
func (c Code) Description() string {
	switch c {
	case BadRequest:
		return "malformed request"
	case InvalidValue:
		return "a value is present but wrong"
	case RequiredValue:
		return "a required value is missing"
	case UnexpectedRefType:
		return "an ID refers to a resource of another type"
	case BadAuthToken:
		return "the credentials are malformed, expired or unknown"
	case NotAuthenticated:
		return "no credentials were sent"
	case NotPermitted:
		return "not permitted"
	case NotFound:
		return "no such resource"
	case InvalidAction:
		return "the action is not allowed in the resource's current state"
	case Unexpected:
		return "the server failed"
	case NotImplemented:
		return "not supported by this server"
	default:
		return "an error the server could not classify"
	}
}
