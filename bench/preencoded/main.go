// Command preencoded is the baseline of bench/wrk.sh: a server that answers
// every request with the seed envelope's bytes, encoded once at start, and
// the same headers as the authflow handler. It does nothing per request but
// write them, so the ratio of the demo server's throughput to this one's is
// what the handler's work (store, validation, encoding) costs.
//
// With -db, the baseline of the demo served from a database, it stores the
// encoded envelope at start in a table of its own, preencoded_responses (id
// BLOB or bytea primary key, body), and per request reads it back with one
// SELECT by primary key, the ID taken from the request's path, and writes
// it: the ratio is then what the store's decoding, the validation and the
// encoding cost beside the database's round trip. It sets its pool as the
// demo does.
//
//	go run ./bench/preencoded [-addr 127.0.0.1:8081] [-db sqlite:PATH|postgres://…]
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver

	"github.com/authflow-dev/authflow-go/examples"
	"github.com/authflow-dev/authflow-go/ids"
)

// query reads an envelope by its flow's ID, the table's primary key.
const query = "SELECT body FROM preencoded_responses WHERE id = $1"

// openDB opens the database spec names, as the demo server's -db does, with
// the demo's pool settings, and stores body as the seed flow's envelope.
func openDB(spec string, body []byte) (*sql.DB, error) {
	var driver, dsn, blob string
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		driver, blob = "sqlite", "BLOB"
		dsn = "file:" + strings.TrimPrefix(spec, "sqlite:") + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(wal)"
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		driver, dsn, blob = "pgx", spec, "bytea"
	default:
		return nil, fmt.Errorf("-db %q: want sqlite:PATH or postgres://…", spec)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(32) // as the demo server does
	db.SetMaxIdleConns(32)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS preencoded_responses (id "+blob+" PRIMARY KEY, body "+blob+" NOT NULL)")
	if err == nil {
		_, err = db.ExecContext(ctx, "INSERT INTO preencoded_responses (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body",
			examples.Authflow().ID, body)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "`host:port` to listen on (port 0 picks a free port)")

	dbSpec := flag.String("db", "", "`database` to read the envelope from: sqlite:PATH or postgres://… (none: memory)")
	flag.Parse()

	body := examples.FetchResponseJSON()
	length := []string{strconv.Itoa(len(body))}
	write := func(w http.ResponseWriter, body []byte, length []string) {
		hdr := w.Header()
		hdr["Content-Type"] = []string{"application/json"}
		hdr["Cache-Control"] = []string{"no-store"}
		hdr["X-Content-Type-Options"] = []string{"nosniff"}
		hdr["Content-Length"] = length
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { write(w, body, length) })
	if *dbSpec != "" {
		db, err := openDB(*dbSpec, body)
		if err != nil {
			fmt.Fprintln(os.Stderr, "preencoded:", err)
			os.Exit(1)
		}
		defer db.Close()
		h = func(w http.ResponseWriter, r *http.Request) {
			id, err := ids.ParseAuthflowID(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			var body []byte
			switch err := db.QueryRowContext(r.Context(), query, id).Scan(&body); {
			case errors.Is(err, sql.ErrNoRows):
				http.NotFound(w, r)
			case err != nil:
				http.Error(w, err.Error(), http.StatusInternalServerError)
			default:
				write(w, body, []string{strconv.Itoa(len(body))})
			}
		}
	}
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
