// Command server is a runnable demo of the authflow handler: it serves GET
// /api/v1/authflow/{authflow_id} over an in-memory store holding the
// examples package's fixture flows, the API reference's example
// (013xrzp12g3nqk8nqprv12gz6v99a2v4) among them.
//
//	go run ./examples/server [-addr 127.0.0.1:8080] [-token TOKEN] [-db DB]
//
// With -db (or the environment variable AUTHFLOW_DB, which the flag
// overrides) it serves from a database instead, through package sqlstore:
// sqlite:PATH for an SQLite file (created if missing; sqlite::memory: for one
// in memory), or a PostgreSQL URL, postgres://USER:PASSWORD@HOST/DATABASE.
// It migrates the schema, loads the fixture flows when the table is empty,
// and then serves whatever the table holds. Whatever it prints of the URL
// has its passwords masked; it refuses any other form of connection string
// without printing it.
//
// With -token (or the environment variable AUTHFLOW_TOKEN, which the flag
// overrides) every request to the API needs "Authorization: Bearer TOKEN"
// (the OpenAPI description at /openapi.yaml stays open); with neither,
// the server needs no credentials and says so on stderr. Once it accepts
// connections it prints exactly one line on stdout,
//
//	listening on http://HOST:PORT
//
// and logs everything else with log/slog on stderr. GET /openapi.yaml
// answers the endpoint's OpenAPI description (authflow.OpenAPI), without
// credentials. SIGINT or SIGTERM shut it down gracefully; it exits 0
// within 10 seconds.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/authflow-dev/authflow-go/authflow"
	"github.com/authflow-dev/authflow-go/examples"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return // -h: the usage is printed, as asked
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(1)
	}
}

// shutdownTimeout bounds the graceful shutdown, leaving headroom under the
// 10 seconds the server promises.
const shutdownTimeout = 8 * time.Second

// run is main without the process: it parses args, serves until ctx is
// done or a signal arrives, and returns once the server has shut down.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on (port 0 picks a free port)")
	// The defaults from the environment are set after parsing: the usage,
	// printed on -h or a bad flag, would show them, token and password.
	token := fs.String("token", "", "bearer `token` every API request must carry (default $AUTHFLOW_TOKEN; none: no authentication)")
	dbSpec := fs.String("db", "", "`database` to serve from: sqlite:PATH or postgres://… (default $AUTHFLOW_DB; none: the fixtures in memory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// Not shown: a database URL given without -db would show its password.
		return fmt.Errorf("%d unexpected arguments after the flags", fs.NArg())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["token"] {
		*token = getenv("AUTHFLOW_TOKEN")
	}
	if !set["db"] {
		*dbSpec = getenv("AUTHFLOW_DB")
	}

	log := slog.New(slog.NewTextHandler(stderr, nil))
	var authz authflow.Authorizer = authflow.AllowAll{}
	if *token != "" {
		authz = authflow.BearerToken(*token)
	} else {
		log.Warn("no -token and no AUTHFLOW_TOKEN: serving WITHOUT authentication")
	}

	// A signal stops the start too: connecting, migrating.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	var store authflow.Store
	if *dbSpec == "" {
		flows := examples.Flows()
		mem, err := authflow.NewMemoryStore(flows...)
		if err != nil {
			return err
		}
		store = mem
		for _, f := range flows {
			log.Info("serving fixture flow", "authflow_id", f.ID.String(), "title", f.Title)
		}
	} else {
		db, err := openDB(ctx, *dbSpec, log)
		if err != nil {
			return err
		}
		defer db.Close()
		store = db.store
	}

	h, err := authflow.NewHandler(store, authz, authflow.WithLogger(log))
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.HandleFunc("GET /openapi.yaml", serveOpenAPI)
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	// The listener accepts connections from here on (the kernel queues them
	// until Serve takes them), so the line is true when it is printed.
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("graceful shutdown timed out; closing connections", "error", err)
		_ = srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// serveOpenAPI answers GET (and HEAD) /openapi.yaml with the endpoint's
// OpenAPI description, for integrators' tools. It needs no credentials.
func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(authflow.OpenAPI())
}
