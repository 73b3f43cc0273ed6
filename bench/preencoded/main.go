// Command preencoded is the baseline of bench/wrk.sh: a server that answers
// every request with the seed envelope's bytes, encoded once at start, and
// the same headers as the authflow handler. It does nothing per request but
// write them, so the ratio of the demo server's throughput to this one's is
// what the handler's work (store, validation, encoding) costs.
//
//	go run ./bench/preencoded [-addr 127.0.0.1:8081]
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/authflow-dev/authflow-go/examples"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "`host:port` to listen on (port 0 picks a free port)")
	flag.Parse()

	body := examples.FetchResponseJSON()
	length := []string{strconv.Itoa(len(body))}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr["Content-Type"] = []string{"application/json"}
		hdr["Cache-Control"] = []string{"no-store"}
		hdr["X-Content-Type-Options"] = []string{"nosniff"}
		hdr["Content-Length"] = length
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	// The same settings as the demo server's, so that only the handler differs.
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "preencoded:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	go func() { _ = srv.Serve(ln) }()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
}
