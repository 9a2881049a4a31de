// Runs the web app's calls against a service, for the test suite: KAM_URL and KAM_TOKEN name it,
// the argument an account the screen opens. Prints what each call read, as JSON.
import { accountScreen, accountsOfSegment, activity, connect, keyAccounts, monthlyPack, renameAccount } from "./web-app.js";

const url = process.env["KAM_URL"];
const token = process.env["KAM_TOKEN"];
const accountId = process.argv[2];
if (url === undefined || token === undefined || accountId === undefined) {
  throw new Error("usage: KAM_URL=... KAM_TOKEN=... node dist/check.js <account id>");
}
const kam = connect(url, token);
const screen = await accountScreen(kam, accountId);
const renamed = await renameAccount(kam, accountId, "Renamed by the web app");
const key = await keyAccounts(kam);
const segment = await accountsOfSegment(kam, "Pharma");
const feed = await activity(kam, null);
const pack = await monthlyPack(kam);
console.log(
  JSON.stringify({
    name: screen.name,
    contacts: screen.contacts?.items.map((contact) => contact.last_name) ?? [],
    opportunities: screen.opportunities?.items.length ?? 0,
    champions: screen.relationship_map?.champions.length ?? 0,
    renamed: [renamed.name, renamed.version],
    key: key.map((account) => account.name),
    segment,
    activity: feed.lines,
    pack: pack.split("\n")[0],
  }),
);
