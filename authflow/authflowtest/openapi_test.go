package authflowtest_test

// The OpenAPI description (authflow.OpenAPI) against the code: every
// response the handler makes validates against it, every fixture validates
// against its schema, and a code, status, field, pattern or example that
// exists on one side only fails a test.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/go-cmp/cmp"

	"github.com/authflow-dev/authflow-go/authflow"
	apierrors "github.com/authflow-dev/authflow-go/errors"
	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
	"github.com/authflow-dev/authflow-go/interaction"
)

// description loads authflow.OpenAPI once, validated as an OpenAPI 3.1
// document with its examples checked against their schemas.
var description = sync.OnceValues(func() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(authflow.OpenAPI())
	if err != nil {
		return nil, fmt.Errorf("loading: %w", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		return nil, fmt.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation(), openapi3.EnableSchemaPatternValidation()); err != nil {
		return nil, fmt.Errorf("validating: %w", err)
	}
	return doc, nil
})

func loadDescription(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := description()
	if err != nil {
		t.Fatalf("authflow.OpenAPI: %v", err)
	}
	return doc
}

func schema(t *testing.T, doc *openapi3.T, name string) *openapi3.Schema {
	t.Helper()
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		t.Fatalf("the description has no schema %s", name)
	}
	return ref.Value
}

// serverURL is the description's server, where the requests are sent.
const serverURL = "http://127.0.0.1:8080"

// A row is one situation of the handler.
type row struct {
	name   string
	method string
	path   string
	header http.Header
	store  authflow.Store
	authz  authflow.Authorizer

	status  int
	code    apierrors.Code // "" for a 200
	example string         // the description's example whose value is the body
	// badRequest: the request breaks the description (a malformed ID, no
	// credentials), and the response still follows it.
	badRequest bool
}

// Stores and authorizers for the rows.
type (
	errStore   struct{ err error }
	panicStore struct{}
	slowStore  struct{}
	flowStore  struct{ flow *authflow.Authflow }
	authnFunc  func(*http.Request) (context.Context, error)
)

func (s errStore) FetchAuthflow(context.Context, ids.AuthflowID) (*authflow.Authflow, error) {
	return nil, s.err
}
func (panicStore) FetchAuthflow(context.Context, ids.AuthflowID) (*authflow.Authflow, error) {
	panic("storage exploded")
}
func (slowStore) FetchAuthflow(ctx context.Context, _ ids.AuthflowID) (*authflow.Authflow, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
func (s flowStore) FetchAuthflow(context.Context, ids.AuthflowID) (*authflow.Authflow, error) {
	return s.flow.Clone(), nil
}
func (f authnFunc) Authenticate(r *http.Request) (context.Context, error) { return f(r) }
func (authnFunc) Authorize(context.Context, *authflow.Authflow) error     { return nil }

// rows returns every situation the handler answers, for GET; each runs
// for HEAD too.
func rows(t testing.TB) []row {
	fixtures := examples.Flows()
	mem, err := authflow.NewMemoryStore(fixtures...)
	if err != nil {
		t.Fatal(err)
	}
	seed := authflow.PathPrefix + examples.AuthflowID
	bearer := http.Header{"Authorization": {"Bearer tok"}}
	otherDomain := ids.MustParse[ids.Domain](examples.AccountID)

	var rs []row
	for _, f := range fixtures {
		rs = append(rs, row{name: "200 " + f.Title, path: authflow.PathPrefix + f.ID.String(), store: mem, authz: authflow.AllowAll{}, status: 200})
	}
	rs = append(rs,
		row{name: "200 with a token", path: seed, header: bearer, store: mem, authz: authflow.BearerToken("tok"), status: 200},
		row{name: "200 for the token's domain", path: seed, header: bearer, store: mem,
			authz: authflow.DomainTokens(map[string]ids.DomainID{"tok": examples.Authflow().DomainID}), status: 200},

		row{name: "400 short ID", path: authflow.PathPrefix + "abc", status: 400, code: apierrors.InvalidValue, example: "invalid_value", badRequest: true},
		row{name: "400 uppercase ID", path: authflow.PathPrefix + strings.ToUpper(examples.AuthflowID), status: 400, code: apierrors.InvalidValue, badRequest: true},
		row{name: "400 ID with u", path: authflow.PathPrefix + "013xrzp12g3nqk8nqprv12gz6v99a2vu", status: 400, code: apierrors.InvalidValue, badRequest: true},
		row{name: "400 ID over 160 bits", path: authflow.PathPrefix + "813xrzp12g3nqk8nqprv12gz6v99a2v4", status: 400, code: apierrors.InvalidValue, badRequest: true},

		row{name: "401 no credentials", path: seed, header: http.Header{}, authz: authflow.BearerToken("tok"), status: 401, code: apierrors.NotAuthenticated, example: "not_authenticated", badRequest: true},
		row{name: "401 wrong token", path: seed, header: http.Header{"Authorization": {"Bearer nope"}}, authz: authflow.BearerToken("tok"),
			status: 401, code: apierrors.BadAuthToken, example: "bad_authtoken"},
		row{name: "401 two Authorization headers", path: seed, header: http.Header{"Authorization": {"Bearer tok", "Bearer tok"}}, authz: authflow.BearerToken("tok"),
			status: 401, code: apierrors.BadAuthToken, badRequest: true},
		row{name: "403 another domain", path: seed, header: bearer, store: mem,
			authz: authflow.DomainTokens(map[string]ids.DomainID{"tok": otherDomain}), status: 403, code: apierrors.NotPermitted, example: "not_permitted"},
		row{name: "403 from Authenticate", path: seed, authz: authnFunc(func(*http.Request) (context.Context, error) {
			return nil, apierrors.NotPermitted
		}), status: 403, code: apierrors.NotPermitted},

		row{name: "404 unknown ID", path: authflow.PathPrefix + "013xrzp12g3nqk8nzzzzzzzzzzzzzzzz", store: mem, status: 404, code: apierrors.NotFound, example: "not_found"},
		row{name: "404 the zero ID", path: authflow.PathPrefix + strings.Repeat("0", 32), store: mem, status: 404, code: apierrors.NotFound},
		row{name: "404 unknown path", path: "/api/v1/authflows/" + examples.AuthflowID, status: 404, code: apierrors.NotFound, example: "no_such_endpoint", badRequest: true},
		row{name: "404 root", path: "/", status: 404, code: apierrors.NotFound, example: "no_such_endpoint", badRequest: true},
		row{name: "404 no ID", path: authflow.PathPrefix, status: 404, code: apierrors.NotFound, example: "no_such_endpoint", badRequest: true},
		row{name: "404 path below the ID", path: seed + "/more", status: 404, code: apierrors.NotFound, example: "no_such_endpoint", badRequest: true},
		row{name: "404 percent-encoded prefix", path: "/api%2Fv1%2Fauthflow%2F" + examples.AuthflowID, status: 404, code: apierrors.NotFound, example: "no_such_endpoint", badRequest: true},

		row{name: "500 store error", path: seed, store: errStore{errors.New("connection refused")}, status: 500, code: apierrors.Unexpected, example: "unexpected"},
		row{name: "500 store panic", path: seed, store: panicStore{}, status: 500, code: apierrors.Unexpected, example: "unexpected"},
		row{name: "500 store timeout", path: seed, store: slowStore{}, status: 500, code: apierrors.Unexpected, example: "unexpected"},
		row{name: "500 invalid flow", path: seed, store: flowStore{func() *authflow.Authflow {
			f := examples.Authflow()
			f.FirstSeen.CountryCode = "au"
			return f
		}()}, status: 500, code: apierrors.Unexpected, example: "unexpected"},
		row{name: "500 unknown status", path: seed, store: flowStore{func() *authflow.Authflow {
			f := examples.Authflow()
			f.Status = "archived"
			return f
		}()}, status: 500, code: apierrors.Unexpected},
		row{name: "500 another flow", path: seed, store: flowStore{fixtures[1]}, status: 500, code: apierrors.Unexpected},
		row{name: "500 neither flow nor error", path: seed, store: flowStore{nil}, status: 500, code: apierrors.Unexpected},
		row{name: "500 a decoding report from the store", path: seed, store: errStore{apierrors.Invalid(apierrors.Problem{Path: "id", Rule: apierrors.RuleRequired})},
			status: 500, code: apierrors.Unexpected},
		row{name: "500 from Authenticate", path: seed, authz: authnFunc(func(*http.Request) (context.Context, error) {
			return nil, errors.New("token service down")
		}), status: 500, code: apierrors.Unexpected},
		row{name: "500 a code this version does not know", path: seed, store: errStore{apierrors.Code("quota_exceeded")}, status: 500, code: "quota_exceeded"},
	)
	// Every code the API defines, as a store answers it on purpose: bare,
	// and made with a message of its own.
	for _, c := range codeConstants() {
		example := string(c)
		switch c {
		case apierrors.InvalidValue, apierrors.NotAuthenticated, apierrors.BadAuthToken, apierrors.NotPermitted, apierrors.Unexpected:
			example = "" // their examples are the handler's or the authorizers' own messages
		}
		rs = append(rs,
			row{name: fmt.Sprintf("%d %s from the store", c.HTTPStatus(), c), path: seed, store: errStore{c}, status: c.HTTPStatus(), code: c, example: example},
			row{name: fmt.Sprintf("%d %s with a message from the store", c.HTTPStatus(), c), path: seed, store: errStore{apierrors.New(c, "storage says no")}, status: c.HTTPStatus(), code: c},
		)
	}
	// Every other method.
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PURGE"} {
		// Only OPTIONS is in the description, standing for them all.
		rs = append(rs, row{name: "405 " + m, method: m, path: seed, store: mem, status: 405, code: apierrors.BadRequest, example: "bad_request", badRequest: m != "OPTIONS"})
	}
	rs = append(rs,
		row{name: "405 with a malformed ID", method: "POST", path: authflow.PathPrefix + "abc", status: 405, code: apierrors.BadRequest, badRequest: true},
		row{name: "401 OPTIONS without credentials", method: "OPTIONS", path: seed, header: http.Header{}, authz: authflow.BearerToken("tok"), status: 401, code: apierrors.NotAuthenticated, badRequest: true},
		row{name: "403 OPTIONS from Authenticate", method: "OPTIONS", path: seed, authz: authnFunc(func(*http.Request) (context.Context, error) {
			return nil, apierrors.NotPermitted
		}), status: 403, code: apierrors.NotPermitted},
		row{name: "500 OPTIONS from Authenticate", method: "OPTIONS", path: seed, authz: authnFunc(func(*http.Request) (context.Context, error) {
			return nil, errors.New("token service down")
		}), status: 500, code: apierrors.Unexpected},
	)
	for i := range rs {
		if rs[i].method == "" {
			rs[i].method = "GET"
		}
		if rs[i].store == nil {
			rs[i].store = mem
		}
		if rs[i].authz == nil {
			rs[i].authz = authflow.AllowAll{}
		}
	}
	return rs
}

// codeConstants returns the Code constants of package errors, read from its
// source: a code added there and not to the description fails the tests.
func codeConstants() []apierrors.Code {
	var codes []apierrors.Code
	for _, v := range constantsOfType("../../errors/code.go", "Code") {
		codes = append(codes, apierrors.Code(v))
	}
	return codes
}

// statusConstants returns the Status constants of package authflow, read
// from its source.
func statusConstants() []authflow.Status {
	var statuses []authflow.Status
	for _, v := range constantsOfType("../status.go", "Status") {
		statuses = append(statuses, authflow.Status(v))
	}
	return statuses
}

// constantsOfType returns the string values of the constants of the named
// type declared in the Go file at path, in order.
func constantsOfType(path, typeName string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		panic(err)
	}
	var values []string
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != typeName {
				continue
			}
			for _, v := range vs.Values {
				lit := v.(*ast.BasicLit)
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					panic(err)
				}
				values = append(values, s)
			}
		}
	}
	if len(values) == 0 {
		panic("no constants of type " + typeName + " in " + path)
	}
	return values
}

// An exchange is one request and what the handler answered.
type exchange struct {
	req  *http.Request
	resp *httptest.ResponseRecorder
}

func (r row) serve(t testing.TB, method string) exchange {
	req := httptest.NewRequest(method, serverURL+r.path, nil)
	for k, v := range r.header {
		req.Header[k] = v
	}
	if r.header == nil {
		// The description requires credentials; a server without
		// authentication ignores them.
		req.Header.Set("Authorization", "Bearer tok")
	}
	req.Header.Set("Accept", "application/json")
	opts := []authflow.HandlerOption{authflow.WithLogger(nil)}
	if _, slow := r.store.(slowStore); slow {
		opts = append(opts, authflow.WithStoreTimeout(20*time.Millisecond))
	}
	h, err := authflow.NewHandler(r.store, r.authz, opts...)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return exchange{req, rec}
}

// authenticate is the description's bearer scheme, for request validation:
// it checks the header's shape, not the token.
func authenticate(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header.Values("Authorization")
	if len(h) != 1 {
		return errors.New("want one Authorization header")
	}
	scheme, token, _ := strings.Cut(h[0], " ")
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return errors.New("want Authorization: Bearer <token>")
	}
	return nil
}

// route finds the description's operation for req. A path the description
// does not have is answered by the GET operation's responses (the handler's
// 404 for any other path), and a method it does not have by the OPTIONS
// operation's (405).
func route(t *testing.T, doc *openapi3.T, router routers.Router, req *http.Request) (*routers.Route, map[string]string, bool) {
	t.Helper()
	rt, params, err := router.FindRoute(req)
	if err == nil {
		return rt, params, true
	}
	path := doc.Paths.Find("/api/v1/authflow/{authflow_id}")
	op := path.Get
	switch {
	case errors.Is(err, routers.ErrPathNotFound):
		if req.Method == http.MethodHead {
			op = path.Head
		}
	case errors.Is(err, routers.ErrMethodNotAllowed):
		op = path.Options
	default:
		t.Fatalf("FindRoute(%s %s): %v", req.Method, req.URL, err)
	}
	return &routers.Route{Spec: doc, Path: req.URL.Path, PathItem: path, Method: req.Method, Operation: op}, nil, false
}

// check validates one exchange against the description, and returns
// whether the request itself follows it.
func check(t *testing.T, doc *openapi3.T, router routers.Router, ex exchange) (requestOK bool) {
	t.Helper()
	rt, params, found := route(t, doc, router, ex.req)
	opts := &openapi3filter.Options{AuthenticationFunc: authenticate, IncludeResponseStatus: true, MultiError: true}
	reqIn := &openapi3filter.RequestValidationInput{Request: ex.req, PathParams: params, Route: rt, Options: opts}
	requestOK = found && openapi3filter.ValidateRequest(context.Background(), reqIn) == nil

	status := ex.resp.Code
	if rt.Operation.Responses.Status(status) == nil {
		t.Errorf("%s %s answered %d, which the description's %s operation does not list", ex.req.Method, ex.req.URL, status, rt.Method)
		return requestOK
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqIn,
		Status:                 status,
		Header:                 ex.resp.Header(),
		Options:                opts,
	}
	in.SetBodyBytes(ex.resp.Body.Bytes())
	if ex.req.Method == http.MethodHead {
		// openapi3filter skips HEAD: check the headers as for GET (the HEAD
		// responses describe no content), and that there is no body.
		get := ex.req.Clone(ex.req.Context())
		get.Method = http.MethodGet
		in.RequestValidationInput = &openapi3filter.RequestValidationInput{Request: get, PathParams: params, Route: rt, Options: opts}
		if ex.resp.Body.Len() != 0 {
			t.Errorf("HEAD %s: a body of %d bytes", ex.req.URL, ex.resp.Body.Len())
		}
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: %d %s\ndoes not follow the description: %v", ex.req.Method, ex.req.URL, status, ex.resp.Body, err)
	}
	return requestOK
}

// TestOpenAPIDescribesEveryResponse drives the handler through every
// situation, for GET, HEAD and the other methods, and validates each
// request and response against the description.
func TestOpenAPIDescribesEveryResponse(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	examples := errorExamples(t, doc)
	for _, r := range rows(t) {
		methods := []string{r.method}
		if r.method == "GET" {
			methods = append(methods, "HEAD")
		}
		for _, m := range methods {
			t.Run(m+" "+r.name, func(t *testing.T) {
				ex := r.serve(t, m)
				if ex.resp.Code != r.status {
					t.Fatalf("%s %s: %d %s, want %d", m, r.path, ex.resp.Code, ex.resp.Body, r.status)
				}
				if requestOK := check(t, doc, router, ex); requestOK == r.badRequest {
					t.Errorf("%s %s: the request follows the description: %v, want %v", m, r.path, requestOK, !r.badRequest)
				}
				if m == "HEAD" || r.code == "" {
					return
				}
				var body map[string]any
				if err := json.Unmarshal(ex.resp.Body.Bytes(), &body); err != nil {
					t.Fatalf("body %s: %v", ex.resp.Body, err)
				}
				if body["code"] != string(r.code) {
					t.Errorf("code %v, want %s", body["code"], r.code)
				}
				if r.example != "" {
					want, ok := examples[r.status][r.example]
					if !ok {
						t.Fatalf("the description has no example %q for %d", r.example, r.status)
					}
					if diff := cmp.Diff(want, body); diff != "" {
						t.Errorf("the description's example %q is not what the handler sends (-example +sent):\n%s", r.example, diff)
					}
				}
			})
		}
	}
}

// TestOpenAPIStatusesAreTheHandlers checks that each operation lists
// exactly the statuses the handler answers it with, and beside them the
// default response, for what a proxy in front of the server may answer,
// with no content and no header promised.
func TestOpenAPIStatusesAreTheHandlers(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	answered := map[string]map[int]bool{"GET": {}, "HEAD": {}, "OPTIONS": {}}
	for _, r := range rows(t) {
		switch r.method {
		case "GET":
			answered["GET"][r.status] = true
			answered["HEAD"][r.status] = true
		default:
			answered["OPTIONS"][r.status] = true
		}
	}
	path := doc.Paths.Find("/api/v1/authflow/{authflow_id}")
	for method, op := range map[string]*openapi3.Operation{"GET": path.Get, "HEAD": path.Head, "OPTIONS": path.Options} {
		var described, sent []int
		if d := op.Responses.Default(); d == nil || d.Ref != "#/components/responses/FromProxy" {
			t.Errorf("%s: the default response is not FromProxy", method)
		} else if len(d.Value.Content) != 0 || len(d.Value.Headers) != 0 {
			t.Errorf("%s: FromProxy promises content or headers, which a proxy's answer need not have", method)
		}
		for code := range op.Responses.Map() {
			if code == "default" {
				continue
			}
			n, err := strconv.Atoi(code)
			if err != nil {
				t.Errorf("%s: response %q is not a status", method, code)
			}
			described = append(described, n)
		}
		for s := range answered[method] {
			sent = append(sent, s)
		}
		sort.Ints(described)
		sort.Ints(sent)
		if !slices.Equal(described, sent) {
			t.Errorf("%s: the description lists %v, the handler answers %v", method, described, sent)
		}
	}
	if p := doc.Paths.Find("/api/v1/authflow/{authflow_id}"); p.Post != nil || p.Put != nil || p.Patch != nil || p.Delete != nil || p.Trace != nil {
		t.Error("the description has an operation the handler does not serve")
	}
	if doc.Paths.Len() != 1 {
		t.Errorf("the description has %d paths, want the endpoint's alone", doc.Paths.Len())
	}
}

// errorExamples returns the examples of the GET operation's error
// responses, and of OPTIONS's 405, by status and name.
func errorExamples(t *testing.T, doc *openapi3.T) map[int]map[string]any {
	t.Helper()
	path := doc.Paths.Find("/api/v1/authflow/{authflow_id}")
	out := map[int]map[string]any{}
	add := func(op *openapi3.Operation) {
		for code, ref := range op.Responses.Map() {
			status, _ := strconv.Atoi(code)
			if status == 200 || code == "default" {
				continue
			}
			mt := ref.Value.Content.Get("application/json")
			if mt == nil {
				t.Fatalf("response %d has no application/json content", status)
			}
			out[status] = map[string]any{}
			for name, ex := range mt.Examples {
				out[status][name] = ex.Value.Value
			}
		}
	}
	add(path.Get)
	add(path.Options)
	return out
}

// TestOpenAPIErrorCodesAreTheAPIs checks the error codes of the description
// against the errors package's Code constants: the list, and the status each
// is served with.
func TestOpenAPIErrorCodesAreTheAPIs(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	codes := codeConstants()
	var want []string
	for _, c := range codes {
		want = append(want, string(c))
	}
	if got := extensibleEnum(t, schema(t, doc, "ErrorCode")); !cmp.Equal(got, want) {
		t.Errorf("ErrorCode's x-extensible-enum = %v, want the Code constants %v", got, want)
	}

	// Each status's examples hold exactly the codes served with it.
	byStatus := map[int][]string{405: {string(apierrors.BadRequest)}}
	for _, c := range codes {
		byStatus[c.HTTPStatus()] = append(byStatus[c.HTTPStatus()], string(c))
	}
	for status, exs := range errorExamples(t, doc) {
		var got []string
		for _, ex := range exs {
			got = append(got, ex.(map[string]any)["code"].(string))
		}
		slices.Sort(got)
		got = slices.Compact(got)
		want := slices.Sorted(slices.Values(byStatus[status]))
		if !slices.Equal(got, want) {
			t.Errorf("the examples of %d have the codes %v, want %v", status, got, want)
		}
		delete(byStatus, status)
	}
	for status, codes := range byStatus {
		t.Errorf("the description has no response %d for the codes %v", status, codes)
	}

	// The table in the description's introduction says the same.
	table := regexp.MustCompile("(?m)^\\| (`[a-z_]+`(?:, `[a-z_]+`)*) \\| (\\d{3}) \\|$")
	seen := map[apierrors.Code]bool{}
	for _, m := range table.FindAllStringSubmatch(doc.Info.Description, -1) {
		status, _ := strconv.Atoi(m[2])
		for _, c := range strings.Split(m[1], ", ") {
			code := apierrors.Code(strings.Trim(c, "`"))
			seen[code] = true
			if !slices.Contains(codes, code) || code.HTTPStatus() != status {
				t.Errorf("the introduction's table says %s is served with %d; the code says %d (known: %v)", code, status, code.HTTPStatus(), slices.Contains(codes, code))
			}
		}
	}
	for _, c := range codes {
		if !seen[c] {
			t.Errorf("the introduction's table lacks the code %s", c)
		}
	}
}

// extensibleEnum returns the known values of an open set, and checks that
// it has no closed enum and that mocks pick among the same values.
func extensibleEnum(t *testing.T, s *openapi3.Schema) []string {
	t.Helper()
	raw, ok := s.Extensions["x-extensible-enum"].([]any)
	if !ok {
		t.Fatalf("schema has no x-extensible-enum list: %v", s.Extensions)
	}
	if len(s.Enum) != 0 {
		t.Errorf("schema has a closed enum %v beside x-extensible-enum", s.Enum)
	}
	var out []string
	for _, v := range raw {
		out = append(out, v.(string))
	}
	// Mock servers pick among the same known values.
	faker, _ := s.Extensions["x-faker"].(map[string]any)
	pick, _ := faker["helpers.arrayElement"].([]any)
	if len(pick) != 1 || fmt.Sprint(pick[0]) != fmt.Sprint(raw) {
		t.Errorf("x-faker is %v, want helpers.arrayElement of the x-extensible-enum %v", s.Extensions["x-faker"], raw)
	}
	return out
}

// TestOpenAPIStatusesAreTheAuthflows checks AuthflowStatus against the
// Status constants.
func TestOpenAPIStatusesAreTheAuthflows(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	var want []string
	for _, s := range statusConstants() {
		if !s.IsKnown() {
			t.Errorf("constant %q is not IsKnown", s)
		}
		want = append(want, string(s))
	}
	if got := extensibleEnum(t, schema(t, doc, "AuthflowStatus")); !cmp.Equal(got, want) {
		t.Errorf("AuthflowStatus's x-extensible-enum = %v, want the Status constants %v", got, want)
	}
}

// TestOpenAPIFieldsAreTheTypes checks each object schema's properties
// against the JSON keys of its Go type: the same keys, all required, and
// nullable exactly where the Go field is a pointer.
func TestOpenAPIFieldsAreTheTypes(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	for name, typ := range map[string]reflect.Type{
		"FetchResponse":      reflect.TypeFor[authflow.FetchResponse](),
		"Authflow":           reflect.TypeFor[authflow.Authflow](),
		"InteractionDetails": reflect.TypeFor[interaction.Details](),
	} {
		s := schema(t, doc, name)
		var keys, nullable []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			keys = append(keys, key)
			if f.Type.Kind() == reflect.Pointer && name != "FetchResponse" {
				nullable = append(nullable, key)
			}
		}
		checkObject(t, name, s, keys, nullable)
	}

	// The error envelope's keys are those Error's JSON form has.
	var env map[string]any
	if err := json.Unmarshal(apierrors.New(apierrors.NotFound, "x").AppendJSON(nil), &env); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range env {
		keys = append(keys, k)
	}
	checkObject(t, "Error", schema(t, doc, "Error"), keys, nil)
}

func checkObject(t *testing.T, name string, s *openapi3.Schema, keys, nullable []string) {
	t.Helper()
	var props []string
	for k := range s.Properties {
		props = append(props, k)
	}
	slices.Sort(props)
	slices.Sort(keys)
	if !slices.Equal(props, keys) {
		t.Errorf("%s: the description's properties %v, the Go type's JSON keys %v", name, props, keys)
	}
	required := slices.Sorted(slices.Values(s.Required))
	if !slices.Equal(required, keys) {
		t.Errorf("%s: required %v, want every key %v (the server always sends each)", name, required, keys)
	}
	if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has || s.AdditionalProperties.Schema != nil {
		t.Errorf("%s: additional properties are restricted; decoders ignore unknown keys", name)
	}
	var gotNullable []string
	for k, p := range s.Properties {
		if admitsNull(p.Value) {
			gotNullable = append(gotNullable, k)
		}
	}
	slices.Sort(gotNullable)
	slices.Sort(nullable)
	if !slices.Equal(gotNullable, nullable) {
		t.Errorf("%s: nullable properties %v, want %v (the pointer fields)", name, gotNullable, nullable)
	}
}

func admitsNull(s *openapi3.Schema) bool {
	if s.Type != nil && s.Type.Includes("null") {
		return true
	}
	for _, alt := range append(slices.Clone(s.OneOf), s.AnyOf...) {
		if alt.Value != nil && admitsNull(alt.Value) {
			return true
		}
	}
	return false
}

// TestOpenAPIIDsAreTheIDs checks the ID schemas against ids.Pattern.
func TestOpenAPIIDsAreTheIDs(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	pfid := schema(t, doc, "PFID")
	if pfid.Pattern != ids.Pattern {
		t.Errorf("PFID pattern %q, want ids.Pattern %q", pfid.Pattern, ids.Pattern)
	}
	if pfid.MinLength != ids.EncodedLen || pfid.MaxLength == nil || *pfid.MaxLength != ids.EncodedLen {
		t.Errorf("PFID length %d to %v, want %d", pfid.MinLength, pfid.MaxLength, ids.EncodedLen)
	}
	// Each kind is a PFID, and each ID field of Authflow its kind.
	kinds := map[string]string{
		"account_id": "AccountID", "device_id": "DeviceID", "domain_id": "DomainID",
		"id": "AuthflowID", "pool_id": "PoolID", "session_id": "SessionID",
	}
	for key, kind := range kinds {
		if ref := schema(t, doc, kind); ref.Pattern != ids.Pattern {
			t.Errorf("%s: pattern %q, want ids.Pattern", kind, ref.Pattern)
		}
		if got := schema(t, doc, "Authflow").Properties[key].Ref; got != "#/components/schemas/"+kind {
			t.Errorf("Authflow.%s refers to %q, want %s", key, got, kind)
		}
	}
	param := doc.Components.Parameters["AuthflowID"].Value
	if param.Schema.Ref != "#/components/schemas/AuthflowID" {
		t.Errorf("the path parameter's schema is %q, want AuthflowID", param.Schema.Ref)
	}
	if doc.Info.Version != authflow.Version {
		t.Errorf("info.version %q, want authflow.Version %q", doc.Info.Version, authflow.Version)
	}
}

// TestOpenAPIExamplesAreTheFixtures checks that each example of the 200
// response is a fixture, byte for byte once decoded.
func TestOpenAPIExamplesAreTheFixtures(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	fixtures := map[string][]byte{"seed": examples.FetchResponseJSON()}
	for _, v := range examples.Variants() {
		fixtures[v.Name] = v.JSON
	}
	mt := doc.Paths.Find("/api/v1/authflow/{authflow_id}").Get.Responses.Status(200).Value.Content.Get("application/json")
	if _, ok := mt.Examples["seed"]; !ok {
		t.Error("the 200 response has no seed example")
	}
	for name, ex := range mt.Examples {
		fixture, ok := fixtures[name]
		if !ok {
			t.Errorf("example %q is not a fixture's name", name)
			continue
		}
		var want any
		if err := json.Unmarshal(fixture, &want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, ex.Value.Value); diff != "" {
			t.Errorf("example %q differs from the fixture (-fixture +example):\n%s", name, diff)
		}
	}
	// A double cannot tell the example's nanoseconds apart: the text must.
	if !strings.Contains(string(authflow.OpenAPI()), "at: 1234567899.123456789\n") {
		t.Error("the fractional_at example lost the digits of its last_seen.at")
	}
}

// TestOpenAPIFixturesValidate checks every fixture against its schema.
func TestOpenAPIFixturesValidate(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	fixtures := map[string][]byte{"seed": examples.FetchResponseJSON()}
	for _, v := range examples.Variants() {
		fixtures[v.Name] = v.JSON
	}
	for _, f := range examples.Flows() {
		b, err := json.Marshal(authflow.FetchResponse{Summary: f})
		if err != nil {
			t.Fatal(err)
		}
		fixtures["authflowtest "+f.Title] = b
	}
	for name, body := range fixtures {
		if err := validateJSON(doc, "FetchResponse", body); err != nil {
			t.Errorf("fixture %s does not validate against FetchResponse: %v", name, err)
		}
	}
}

func validateJSON(doc *openapi3.T, schemaName string, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return doc.Components.Schemas[schemaName].Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.MultiErrors())
}

// TestOpenAPISchemasAreAsPreciseAsTheRules checks that the schema refuses
// what validation refuses, and accepts what a newer server may add.
func TestOpenAPISchemasAreAsPreciseAsTheRules(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	seed := string(examples.FetchResponseJSON())
	at := `"at":1234567890,`
	tests := []struct {
		name, old, new string
		valid          bool
		// lenient: the module's decoder takes it, though no server of
		// this module sends it.
		lenient bool
	}{
		{"unknown status", `"status":"new"`, `"status":"archived"`, true, false},
		{"unknown key", `"title":`, `"color":"blue","title":`, true, false},
		{"unknown key in details", at, at + `"isp":"x",`, true, false},
		{"nanoseconds", at, `"at":1234567889.123456789,`, true, false},
		{"exponent", at, `"at":1.23456789e9,`, true, false},
		{"IPv6", `"remote_ip":"127.0.0.1"`, `"remote_ip":"2001:db8::1"`, true, false},
		{"IPv4-mapped IPv6", `"remote_ip":"127.0.0.1"`, `"remote_ip":"::ffff:203.0.113.7"`, true, false},
		{"IPv6 uncompressed", `"remote_ip":"127.0.0.1"`, `"remote_ip":"2001:DB8:0:0:0:0:0:1"`, true, false},
		{"return_url with a port, a query and an escape", `"return_url":"https://example.com/welcome"`, `"return_url":"http://example.com:8080/a%20b?x=y"`, true, false},
		{"empty return_url", `"return_url":"https://example.com/welcome"`, `"return_url":""`, true, false},
		{"uppercase scheme", `"return_url":"https://example.com/welcome"`, `"return_url":"HTTPS://example.com"`, true, false},
		{"IPv6 return_url", `"return_url":"https://example.com/welcome"`, `"return_url":"http://[::1]:8080/back?to=x#y"`, true, false},
		{"north-west corner", `[-37.8159,144.9669]`, `[90,-180]`, true, false},
		{"south-east corner", `[-37.8159,144.9669]`, `[-90,180]`, true, false},
		{"asn 1", `"asn":4764`, `"asn":1`, true, false},
		{"asn 2^32-1", `"asn":4764`, `"asn":4294967295`, true, false},
		{"before 1970", at, `"at":-14182940.25,`, true, false},
		{"geo-IP country code", `"country_code":"AU"`, `"country_code":"XK"`, true, false},
		{"ja4 of DTLS, IP SNI, uppercase ALPN", `q13d0314h3_`, `dd1i9999H2_`, true, false},
		{"e-mail with a plus and subdomains", `"user@example.com"`, `"first.last+tag@mail.example-host.co"`, true, false},
		{"e-mail that RFC 5322 refuses", `"user@example.com"`, `"a..b@example.com"`, true, false},
		{"no factors", `"factor_names":["password","totp"]`, `"factor_names":[]`, true, false},
		{"other timezone", `"timezone":"Australia/Melbourne"`, `"timezone":"UTC"`, true, false},
		{"timezone no database has yet", `"timezone":"Australia/Melbourne"`, `"timezone":"Mars/Olympus_Mons"`, true, false},
		{"ja4 of TLS version 14", `q13d0314h3_`, `q14d0314h3_`, true, false},

		{"uppercase ID", examples.AccountID, strings.ToUpper(examples.AccountID), false, false},
		{"ID with u", examples.PoolID, "013xrzp12g3nqk8n6z7f3q8wqgbmh3nu", false, false},
		{"missing key", `"plan_name":"basic",`, ``, false, false},
		{"empty plan_name", `"plan_name":"basic"`, `"plan_name":""`, false, false},
		{"empty status", `"status":"new"`, `"status":""`, false, false},
		{"type", `"type":"authflow"`, `"type":"session"`, false, false},
		{"envelope status", `{"status":"success"`, `{"status":"ok"`, false, false},
		{"null factor_names", `"factor_names":["password","totp"]`, `"factor_names":null`, false, true},
		{"repeated factor", `"factor_names":["password","totp"]`, `"factor_names":["totp","totp"]`, false, false},
		{"empty factor", `"factor_names":["password","totp"]`, `"factor_names":["password",""]`, false, false},
		{"e-mail", `"user@example.com"`, `"user@-example.com"`, false, false},
		{"return_url with user info", `"https://example.com/welcome"`, `"https://bank.example@evil.example/"`, false, false},
		{"return_url not http", `"https://example.com/welcome"`, `"javascript:alert(1)"`, false, false},
		{"remote_ip not an address", `"remote_ip":"127.0.0.1"`, `"remote_ip":"localhost"`, false, false},
		{"remote_ip with a zone", `"remote_ip":"127.0.0.1"`, `"remote_ip":"fe80::1%eth0"`, false, false},
		{"remote_ip with a leading zero", `"remote_ip":"127.0.0.1"`, `"remote_ip":"127.0.0.01"`, false, false},
		{"remote_ip with two ::", `"remote_ip":"127.0.0.1"`, `"remote_ip":"1::2::3"`, false, false},
		{"remote_ip with nine groups", `"remote_ip":"127.0.0.1"`, `"remote_ip":"1:2:3:4:5:6:7:8:9"`, false, false},
		{"return_url with a space in the host", `"https://example.com/welcome"`, `"https://exa mple.com/"`, false, false},
		{"return_url with a broken escape", `"https://example.com/welcome"`, `"https://example.com/%zz"`, false, false},
		{"return_url with a bracketed host that is no address", `"https://example.com/welcome"`, `"http://[zz]/"`, false, false},
		{"at zero", at, `"at":0,`, false, false},
		{"at as a string", at, `"at":"1234567890",`, false, false},
		{"at too far", at, `"at":1e18,`, false, false},
		{"asn zero", `"asn":4764`, `"asn":0`, false, false},
		{"asn over 32 bits", `"asn":4764`, `"asn":4294967296`, false, false},
		{"asn fraction", `"asn":4764`, `"asn":4764.5`, false, false},
		{"latitude", `[-37.8159,144.9669]`, `[-91,144.9669]`, false, false},
		{"longitude", `[-37.8159,144.9669]`, `[-37.8159,180.5]`, false, false},
		{"one number", `[-37.8159,144.9669]`, `[-37.8159]`, false, false},
		{"three numbers", `[-37.8159,144.9669]`, `[-37.8159,144.9669,0]`, false, false},
		{"country code", `"country_code":"AU"`, `"country_code":"au"`, false, false},
		{"ja4", `q13d0314h3_`, `q1Xd0314h3_`, false, false},
		{"ja4 hash", `_55b375c5d22e_`, `_55B375C5D22E_`, false, false},
		{"timezone", `"timezone":"Australia/Melbourne"`, `"timezone":""`, false, false},
		{"timezone with a space", `"timezone":"Australia/Melbourne"`, `"timezone":"Foo /Bar"`, false, false},
		{"timezone ../x", `"timezone":"Australia/Melbourne"`, `"timezone":"../x"`, false, false},
		{"null summary", `"summary":{`, `"summary":null,"x":{`, false, false},
	}
	for _, tt := range tests {
		body := strings.Replace(seed, tt.old, tt.new, 1)
		if body == seed {
			t.Fatalf("%s: %q is not in the seed", tt.name, tt.old)
		}
		err := validateJSON(doc, "FetchResponse", []byte(body))
		if (err == nil) != tt.valid {
			t.Errorf("%s: validation error %v, want valid %v", tt.name, err, tt.valid)
		}
		// The module's own decoding and validation agree, as a client
		// applies them: a status it does not know is kept.
		if err := clientAccepts([]byte(body)); (err == nil) != (tt.valid || tt.lenient) {
			t.Errorf("%s: the module's verdict is %v, the schema's valid = %v", tt.name, err, tt.valid)
		}
	}
}

// clientAccepts decodes and validates body as a client does, which
// tolerates a status it does not know.
func clientAccepts(body []byte) error {
	flow, err := authflow.DecodeFetchResponse(body)
	if err != nil {
		return err
	}
	err = flow.Validate()
	var e *apierrors.Error
	if errors.As(err, &e) {
		for _, p := range e.Problems() {
			if p.Rule != apierrors.RuleStatus {
				return err
			}
		}
		return nil
	}
	return err
}

// TestOpenAPIRemoteIPPatternIsTheAddresses checks remote_ip's pattern
// against net/netip, which the module decodes it with: it matches the text
// of random IPv4, IPv6 and IPv4-mapped addresses in every form the server
// or a client may write (canonical, expanded, upper case), and refuses what
// netip.ParseAddr refuses, and addresses with a zone.
func TestOpenAPIRemoteIPPatternIsTheAddresses(t *testing.T) {
	t.Parallel()
	doc := loadDescription(t)
	re := regexp.MustCompile(schema(t, doc, "InteractionDetails").Properties["remote_ip"].Value.Pattern)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var b [16]byte
		for i := range b {
			// Runs of zeros, so that :: compresses them.
			if rng.IntN(3) > 0 {
				b[i] = byte(rng.UintN(256))
			}
		}
		v6 := netip.AddrFrom16(b)
		for _, text := range []string{
			netip.AddrFrom4([4]byte(b[:4])).String(),
			v6.String(), v6.StringExpanded(), strings.ToUpper(v6.String()),
			netip.AddrFrom16(netip.AddrFrom4([4]byte(b[:4])).As16()).String(),
		} {
			if !re.MatchString(text) {
				t.Errorf("the pattern refuses %q", text)
			}
		}
	}
	for _, text := range []string{
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "1::2::3", "1:2:3:4:5:6:7:8:9",
		"12345::", ":1", "1:", "::ffff:1.2.3", "fe80::1%eth0", "g::1", "1.2.3.4::", "::1.2.3.04",
	} {
		if a, err := netip.ParseAddr(text); err == nil && a.Zone() == "" {
			t.Errorf("netip.ParseAddr accepts %q: not a near miss", text)
		}
		if re.MatchString(text) {
			t.Errorf("the pattern accepts %q, which is no address without a zone", text)
		}
	}
}
