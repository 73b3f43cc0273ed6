// Package race reports whether the binary runs under the race detector,
// which changes allocation counts (sync.Pool drops items at random), so
// that tests pinning allocations can skip.
package race
