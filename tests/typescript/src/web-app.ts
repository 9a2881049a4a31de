// The web app's calls to the service, through a client generated from the committed contract with
// openapi-typescript and openapi-fetch: every request and answer typed, no `any`, no cast.
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./generated/kam.js";

type Schemas = components["schemas"];
export type Account = Schemas["AccountRead"];
export type AccountScreen = Schemas["AccountScreen"];
export type Event = Schemas["EventFeed"]["items"][number];
export type Kam = Client<paths>;

export function connect(baseUrl: string, token: string): Kam {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

// What the service refused, as its problem+json says it.
export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly problem: Schemas["Problem"] | undefined,
  ) {
    super(`${status} ${problem?.title ?? ""}: ${problem?.detail ?? ""}`);
  }
}

// The account screen in one request: the account and everything shown beside it.
export async function accountScreen(kam: Kam, accountId: string): Promise<AccountScreen> {
  const { data, error, response } = await kam.GET("/v1/accounts/{account_id}", {
    params: {
      path: { account_id: accountId },
      query: { include: "contacts,opportunities,plans,team,financials,relationship_map" },
    },
  });
  if (data === undefined) throw new Refused(response.status, error);
  return data;
}

// The key accounts, page after page, as the portfolio screen lists them.
export async function keyAccounts(kam: Kam): Promise<Account[]> {
  const accounts: Account[] = [];
  let cursor: string | null = null;
  do {
    const page: Schemas["Page_AccountRead_"] = await keyAccountsPage(kam, cursor);
    accounts.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor !== null);
  return accounts;
}

async function keyAccountsPage(kam: Kam, cursor: string | null): Promise<Schemas["Page_AccountRead_"]> {
  const { data, error, response } = await kam.GET("/v1/accounts", {
    params: { query: { tier: "key", sort: "name", limit: 200, cursor } },
  });
  if (data === undefined) throw new Refused(response.status, error);
  return data;
}

// The accounts of a segment the CRM keeps in their metadata, as a filter chip lists them.
export async function accountsOfSegment(kam: Kam, segment: string): Promise<string[]> {
  const { data, error, response } = await kam.GET("/v1/accounts", {
    params: { query: { metadata: [`segment:${segment}`], limit: 200 } },
  });
  if (data === undefined) throw new Refused(response.status, error);
  return data.items.map((account) => `${account.name} (${account.metadata["segment"] ?? "no segment"})`);
}

// A change that refuses to overwrite another's: the version read goes back as If-Match.
export async function renameAccount(kam: Kam, accountId: string, name: string): Promise<Account> {
  const read = await kam.GET("/v1/accounts/{account_id}", { params: { path: { account_id: accountId } } });
  const version = read.response.headers.get("ETag");
  if (read.data === undefined || version === null) throw new Refused(read.response.status, read.error);
  const { data, error, response } = await kam.PATCH("/v1/accounts/{account_id}", {
    params: { path: { account_id: accountId }, header: { "If-Match": version } },
    body: { name },
  });
  if (data === undefined) throw new Refused(response.status, error);
  return data;
}

// One line per event for the activity panel: each event's data is its type's record.
export function describe(event: Event): string {
  switch (event.type) {
    case "account.created":
    case "account.updated":
    case "account.archived":
    case "account.restored":
    case "account.demotion_pending":
      return `${event.type}: ${event.data.name} (${event.data.tier ?? "no tier"})`;
    case "account.health_changed":
    case "account.review_due":
    case "account.review_overdue":
    case "account.promotion_candidate":
      return `${event.type}: ${event.data.account.name} is ${event.data.after.health}`;
    case "opportunity.won":
    case "opportunity.lost":
      return `${event.type}: ${event.data.name} at ${event.data.amount}`;
    case "contact.created":
      return `${event.type}: ${event.data.first_name} ${event.data.last_name}`;
    case "rules.changed":
      return `${event.type}: version ${event.entity_version ?? "?"}`;
    default:
      return `${event.type}: ${event.entity_type} ${event.entity_id}`;
  }
}

export async function activity(kam: Kam, after: string | null): Promise<{ lines: string[]; cursor: string }> {
  const lines: string[] = [];
  let cursor = after;
  for (;;) {
    const { data, error, response } = await kam.GET("/v1/events", { params: { query: { after: cursor, limit: 200 } } });
    if (data === undefined) throw new Refused(response.status, error);
    lines.push(...data.items.map(describe));
    cursor = data.next_cursor;
    if (!data.has_more) return { lines, cursor };
  }
}

// The monthly pack as the Markdown document the meeting reads.
export async function monthlyPack(kam: Kam): Promise<string> {
  const { data, error, response } = await kam.GET("/v1/reports/monthly.md", { parseAs: "text" });
  if (data === undefined) throw new Refused(response.status, error);
  return data;
}
