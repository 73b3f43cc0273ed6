// For .ci/openapi.sh: reads every field of the types openapi-typescript
// generates from authflow/openapi.yaml (api.d.ts, beside this file when the
// script runs it), each into a variable of the type a program would want.
// `tsc --strict` must accept it: a field typed unknown, or a union with
// unknown in it, fails.
import type { components } from "./api";

type FetchResponse = components["schemas"]["FetchResponse"];
type Authflow = components["schemas"]["Authflow"];
type Details = components["schemas"]["InteractionDetails"];
type ErrorEnvelope = components["schemas"]["Error"];

// A status or a code this version does not know is still a value of its
// type: both are open sets.
export const newerStatus: components["schemas"]["AuthflowStatus"] = "archived";
export const newerCode: components["schemas"]["ErrorCode"] = "quota_exceeded";

export function summary(r: FetchResponse): string[] {
  const envelope: "success" = r.status;
  const s: Authflow = r.summary;
  const account: string = s.account_id;
  const device: string = s.device_id;
  const domain: string = s.domain_id;
  const factors: string[] = s.factor_names;
  const id: string = s.id;
  const plan: string = s.plan_name;
  const pool: string = s.pool_id;
  const email: string | null = s.required_email;
  const returnURL: string = s.return_url;
  const session: string = s.session_id;
  const status: string = s.status;
  const title: string = s.title;
  const type: "authflow" = s.type;
  const out = [envelope, account, device, domain, ...factors, id, plan, pool, email ?? "", returnURL, session, status, title, type];
  for (const d of [s.first_seen, s.last_seen]) {
    if (d !== null) {
      out.push(...details(d));
    }
  }
  return out;
}

export function details(d: Details): string[] {
  const asn: number = d.asn;
  const at: number = d.at;
  const city: string = d.city;
  const country: string = d.country_code;
  const ja4: string = d.ja4_fingerprint;
  const [lat, long]: [number, number] = d.lat_long;
  const region: string = d.region_code;
  const ip: string = d.remote_ip;
  const zone: string = d.timezone;
  const agent: string = d.user_agent;
  return [String(asn), String(at), city, country, ja4, String(lat), String(long), region, ip, zone, agent];
}

export function failure(e: ErrorEnvelope): string {
  const envelope: "error" = e.status;
  const code: string = e.code;
  const message: string = e.message;
  return `${envelope} ${code}: ${message}`;
}
