package main

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParseDBSpec checks what the demo prints of a -db value, whatever it
// is: never a panic, never an error but its fixed ones, and never a password that
// url.Parse finds in the user information or in a query parameter whose
// name says it holds one, as written or decoded. The seeds are the forms
// that TestRunHidesPassword tries, and a few more.
func FuzzParseDBSpec(f *testing.F) {
	for _, s := range []string{
		"sqlite:flows.db", "sqlite::memory:", "sqlite:", "sqlite:/tmp/a?b#c%d",
		"postgres://user:hunter2@h/db", "postgresql://user:hunter2@h/db", "postgres://:hunter2@h/db",
		"postgres://user:hun%40ter%2F2@h/db", "postgres://user:p@s5:w@rd9@h/db",
		"postgres://u@h/db?password=hunter2", "postgres://u@h/db?Password=hunter2&sslmode=disable",
		"postgres://u@h/db?pass%77ord=hun%74er2", "postgres://u@h/db;password=hunter2",
		"postgres://u@h/db?password=hun+ter2&password=again2", "postgres://u@h/db#hunter2",
		"postgres://user:hun/ter2@h/db", "postgres://user:1?hunter2@h/db", "postgres://user:1#hunter2@h/db",
		"postgres://user:hun ter2@h/db", "postgres://user:hun%zzter2@h/db", "postgres://user:hunter2@[::1]:5432/db",
		"host=h password=hunter2 user=u", "password='p w' host=h", "mysql://u:hunter2@h/db", "",
		"postgres://u:hunter2@h/db?sslpassword=s3cret&token=t0ken&pwd=passw",
		"postgres://u:xxxx@h/db", "postgres://u@h/db?password=xxxxx", // pieces of the mask
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		ds, err := parseDBSpec(spec)
		if err != nil {
			// Its errors are fixed texts: none can quote the value.
			switch err.Error() {
			case "-db sqlite:PATH: the path is empty",
				"-db: not a PostgreSQL URL",
				`-db: an "@" in the password or after the host: percent-encode "/", "?", "#" and "@" in the password`,
				"-db: want sqlite:PATH or a postgres:// URL (the value given is not shown: it may hold a password)":
			default:
				t.Errorf("parseDBSpec(%q): an error of its own: %v", spec, err)
			}
			return
		}
		if strings.HasPrefix(spec, "sqlite:") {
			if ds.shown != spec {
				t.Errorf("parseDBSpec(%q): shown %q, want the SQLite value as it is", spec, ds.shown)
			}
			return
		}
		u, err := url.Parse(spec)
		if err != nil {
			t.Fatalf("parseDBSpec(%q) took a value url.Parse refuses: %v", spec, err)
		}
		var secrets []string
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw)
		}
		for name, values := range u.Query() {
			if secretName(name) {
				secrets = append(secrets, values...)
			}
		}
		// The mask put in a secret's place is no secret, even when a secret
		// is a piece of it (a password "xxxx"). A NUL stands for it: the
		// URL printed escapes any NUL of its own.
		shown := strings.ReplaceAll(ds.shown, masked, "\x00")
		for _, s := range secrets {
			// A secret that the rest of the value holds as well (a host
			// named like the password, say) cannot be told apart there.
			if len(s) < 4 || strings.Count(spec, s) > 1 || strings.Contains(shown, s) &&
				strings.Contains(strings.Replace(shown, s, "", 1), s) {
				continue
			}
			if strings.Contains(shown, s) && !strings.Contains(u.User.Username()+u.Host+u.Path+u.Fragment, s) {
				t.Errorf("parseDBSpec(%q): shown %q holds the secret %q", spec, ds.shown, s)
			}
		}
	})
}
