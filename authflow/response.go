package authflow

// A FetchResponse is the success envelope of "Fetch authflow":
//
//	{"status":"success","summary":{…}}
//
// Its "status" is the envelope's, always "success"; the authflow's own status
// is Summary.Status. A failed fetch answers with the error envelope instead,
// which package errors reads.
//
// It is a plain struct for encoding/json: json.Marshal(FetchResponse{Summary:
// flow}) writes the canonical envelope. [AppendFetchResponse] and
// [DecodeFetchResponse] are the fast, strict codec of the same document.
type FetchResponse struct {
	// Status is the constant "status":"success".
	Status SuccessStatus `json:"status"`
	// Summary is the authflow fetched. [DecodeFetchResponse] never leaves
	// it nil; json.Unmarshal leaves it nil when the document has no
	// "summary", or a null one.
	Summary *Authflow `json:"summary"`
}

// statusSuccess is the value of the envelope's "status" member.
const statusSuccess = "success"
