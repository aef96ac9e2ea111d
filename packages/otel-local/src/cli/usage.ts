/** The usage text of `otel-local` and the error for a usage mistake. */
import { DEFAULT_QUERY_URL } from '../shared/constants.js';

/** What `otel-local --help` prints (and a usage mistake after its message). */
export const USAGE = `Usage: otel-local <command> [options]

Commands:
  start   [--db path] [--otlp-port 4318] [--query-port 16686] [--host 127.0.0.1] [--token t]
          [--retention-hours 72] [--max-spans n] [--max-db-mb n] [--durability disk|process]
                       run the embedded collector in the foreground (disk: a batch is answered
                       once fsynced, the default; process: once in SQLite's log, cheaper)
  run     [--db path] [--otlp-port 4318] [--query-port 16686] [--retention-hours 72] ... -- <command> [args]
                       run a command (e.g. otel-local run -- next dev) with OTEL_EXPORTER_OTLP_ENDPOINT
                       set to the collector answering on the query port, or to one started for it;
                       passes Ctrl-C through, exits with the command's exit code
  traces  [--service s] [--operation o] [--user id] [--min-duration 100ms] [--max-duration 2s]
          [--errors] [--attr key=value]... [--include-static] [--limit 20]
                       list recent traces, newest first (static assets and the favicon hidden)
  trace   <traceId>    print a trace's span tree with durations, errors and its logs in place
  logs    --trace <id> | --user <id>  [--level warn] [--limit 200] [--follow]
                       print log lines, oldest first; --follow keeps printing new ones
  export  <traceId>    print a trace (spans and log lines) as OTLP/JSON: otel-local export <id> > trace.json
  export  [the traces filters]
                       print every trace of a search as one OTLP/JSON document
  import  <file>       store an OTLP/JSON file (from export; - reads stdin) in the collector
  mcp                  serve the Model Context Protocol on stdin/stdout for coding agents (tools:
                       list_services, list_operations, search_traces, get_trace, search_logs,
                       get_critical_path, get_trace_stats, compare_traces, get_service_graph),
                       answering from the collector at --url

Options for traces/trace/logs/export/import/mcp:
  --url <url>          query API of the collector (env COLLECTOR_URL, default ${DEFAULT_QUERY_URL})
  --json               machine-readable output (with --follow: one JSON log record per line)
  --token <token>      bearer token of a collector that listens off loopback (env COLLECTOR_TOKEN)

Access (start):
  On loopback (the default 127.0.0.1) no token is needed. With --host 0.0.0.0 or any other
  non-loopback address, every listener requires a token: --token / COLLECTOR_TOKEN (at least 16
  characters), or a random one generated at start and printed once on stderr with a warning.
  Exporters send it as OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>; open the viewer
  once as http://<host>:16686/?token=<token> (it then keeps an HttpOnly cookie).
  Both listeners answer only Host names localhost, 127.0.0.1, [::1], *.localhost or the --host
  value (421 otherwise) and refuse cross-site browser requests (403).
`;

/** A usage mistake: printed with the usage text, exit code 2. */
export class UsageError extends Error {}
