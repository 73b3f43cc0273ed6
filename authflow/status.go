package authflow

// A Status is where an authflow stands. The constants are the values the API
// defines. A server may add values: decoding keeps any status as it is, and
// validation reports one that is not [Status.IsKnown].
type Status string

// The values a Status can take.
const (
	// StatusNew is the status of an authflow that has been created.
	StatusNew Status = "new"
	// StatusPending is the status of an authflow that is under way.
	StatusPending Status = "pending"
	// StatusFinished is the status the API calls "finished".
	StatusFinished Status = "finished"
	// StatusComplete is the status the API calls "complete".
	StatusComplete Status = "complete"
	// StatusCancelled is the status of an authflow that was cancelled.
	StatusCancelled Status = "cancelled"
)

// IsKnown reports whether s is one of the Status constants.
func (s Status) IsKnown() bool {
	switch s {
	case StatusNew, StatusPending, StatusFinished, StatusComplete, StatusCancelled:
		return true
	}
	return false
}
