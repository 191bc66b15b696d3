// The page tested as a person uses it: Debian's Chromium, headless, driven
// over the DevTools protocol (puppeteer-core; no browser is downloaded),
// loads the page from `casus serve` on 127.0.0.1, asks the Korea query, finds
// RUS (rus-prk-2024 Art. 4) and CHN (chn-prk-1961 Art. II) on the map and in
// the graph, opens the article, moves the date to 2024-11-01 and sees RUS
// drop out, opens a shared link, looks at 1914, and simulates a scenario
// from a link (?scenario=korea-dmz-2025), with no console error.
// Screenshots go to SCREENSHOT_DIR.
//
// Environment: CASUS_BIN (the casus command), CASUS_ASSETS (the built page),
// CASUS_TEST_DATA (ATOP and COW), SCREENSHOT_DIR, CHROMIUM (default
// /usr/bin/chromium).  Exit 77 (skipped) when Chromium is not installed.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer from "puppeteer-core";

const chromium = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromium)) {
  // CI installs Chromium (scripts/deps), so there a missing browser is a
  // failure, not a skip that would pass unseen.
  console.log(`browser test ${process.env.CI ? "failed" : "skipped"}: no ${chromium} (apt-get install chromium)`);
  process.exit(process.env.CI ? 1 : 77);
}
const shots = process.env.SCREENSHOT_DIR || "screenshots";
mkdirSync(shots, { recursive: true });

let failures = 0;
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) failures++;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
}

// casus serve on a free port of 127.0.0.1; it says which when ready.
function startServer(withData = true) {
  return new Promise((resolve, reject) => {
    const args = ["serve", "--bind", "127.0.0.1", "--port", "0"];
    if (process.env.CASUS_ASSETS) args.push("--assets", process.env.CASUS_ASSETS);
    if (process.env.CASUS_TEST_DATA && withData) args.push("--data", process.env.CASUS_TEST_DATA);
    if (!withData) args.push("--no-data");
    const child = spawn(process.env.CASUS_BIN || "casus", args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const timer = setTimeout(() => reject(new Error(`casus serve did not start: ${out}`)), 20000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    });
    child.on("exit", (code) => reject(new Error(`casus serve exited (${code}): ${out}`)));
  });
}

const { child, base } = await startServer();
const servers = [child];
const profile = mkdtempSync(join(tmpdir(), "casus-chromium-"));
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  userDataDir: profile,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", `--user-data-dir=${profile}`,
  ],
});

const problems = [];
async function newPage() {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 1500 });
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warn") problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  // Nothing may come from anywhere but the server: no CDN.
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    if (r.url().startsWith("http://127.0.0.1:") || r.url().startsWith("data:")) r.continue();
    else { problems.push(`request outside the server: ${r.url()}`); r.abort(); }
  });
  return page;
}

const mapRole = (page, abb) =>
  page.$eval(`#map path[data-abb="${abb}"]`, (p) => p.getAttribute("data-role")).catch(() => "(not on the map)");
const edgeLabel = (page, treaty, article, obligor) =>
  page.$eval(`#graph .edge-label[data-treaty="${treaty}"][data-article="${article}"][data-obligor="${obligor}"]`, (t) => t.textContent).catch(() => null);

async function ask(page, attacker, target, date, answered = `${attacker}-${target}-${date}`) {
  for (const [id, v] of [["attacker", attacker], ["target", target], ["date", date]]) {
    await page.click(`#${id}`, { clickCount: 3 });
    await page.keyboard.press("Backspace");
    await page.type(`#${id}`, v);
  }
  await page.keyboard.press("Enter");
  await page.waitForSelector(`body[data-answered="${answered}"]`, { timeout: 15000 });
}

try {
  const t0 = Date.now();
  const page = await newPage();
  await page.goto(base, { waitUntil: "load" });
  await page.waitForSelector("body[data-ready]", { timeout: 15000 });
  await ask(page, "ROK", "PRK", "2025-03-01");

  check((await mapRole(page, "RUS")) === "defend-target", `2025-03-01: RUS on the map as defend-target (got ${await mapRole(page, "RUS")})`);
  check((await mapRole(page, "CHN")) === "defend-target", `2025-03-01: CHN on the map as defend-target (got ${await mapRole(page, "CHN")})`);
  check(await page.$eval('#map path[data-abb="PRK"]', (p) => p.classList.contains("target")), "PRK drawn as the target");
  check(await page.$eval('#map path[data-abb="ROK"]', (p) => p.classList.contains("attacker")), "ROK drawn as the attacker");
  check((await edgeLabel(page, "rus-prk-2024", "4", "RUS")) === "rus-prk-2024 Art. 4", "graph: edge RUS -> PRK labelled rus-prk-2024 Art. 4");
  check((await edgeLabel(page, "chn-prk-1961", "II", "CHN")) === "chn-prk-1961 Art. II", "graph: edge CHN -> PRK labelled chn-prk-1961 Art. II");
  check(await page.$('#graph .node[data-abb="RUS"]') !== null && await page.$('#graph .node[data-abb="CHN"]') !== null, "graph: nodes RUS and CHN");
  const n2025 = await page.$eval("#borders", (b) => (b.hidden ? "" : b.textContent));
  check(!/were not today's/.test(n2025), `2025: no historical-borders notice (${n2025 || "none"})`);
  await page.screenshot({ path: join(shots, "1-korea-2025-03-01.png"), fullPage: true });

  // Open the article from the graph, as a person clicks the edge.
  await page.click('#graph .edge-label[data-treaty="rus-prk-2024"][data-article="4"][data-obligor="RUS"]');
  await page.waitForSelector("#detail-quote");
  const quote = await page.$eval("#detail-quote", (q) => q.textContent);
  check(quote.startsWith("In case any one of the two sides is put in a state of war by an armed invasion"), "detail: the quoted Art. 4");
  const trace = await page.$$eval("#detail-trace li", (lis) => lis.map((li) => li.textContent));
  check(trace.some((t) => t.startsWith("held in force:")) && trace.some((t) => t.startsWith("not decidable state of war:")), `detail: the condition trace (${trace.length} conditions)`);
  await page.click("#open-article");
  await page.waitForSelector('#reader .article.highlight[data-article="4"]', { timeout: 10000 });
  const badge = await page.$eval('#reader .article.highlight .badge', (b) => b.textContent);
  check(badge === "verbatim-partial", `reader: Art. 4 highlighted, its passage marked ${badge}`);
  check((await page.$$('#reader .article.highlight .rule')).length >= 1, "reader: Art. 4's rules beside its text");
  check(page.url().includes("attacker=ROK") && page.url().includes("treaty=rus-prk-2024") && page.url().includes("edge="), `the view is in the URL: ${page.url()}`);
  await page.screenshot({ path: join(shots, "2-article-rus-prk-2024-art4.png"), fullPage: true });
  const shared = page.url();

  // Move the date to before the treaty entered into force.
  await ask(page, "ROK", "PRK", "2024-11-01");
  check(await edgeLabel(page, "rus-prk-2024", "4", "RUS") === null, "2024-11-01: no rus-prk-2024 Art. 4 edge");
  const rus = await mapRole(page, "RUS");
  check(rus !== "defend-target", `2024-11-01: RUS no longer defends the target on the map (now ${rus})`);
  check((await mapRole(page, "CHN")) === "defend-target", "2024-11-01: CHN still defends the target");
  check((await edgeLabel(page, "chn-prk-1961", "II", "CHN")) === "chn-prk-1961 Art. II", "2024-11-01: CHN's edge still there");
  check(await page.$eval("#slider", (s) => s.value) === String(Math.round((Date.UTC(2024, 10, 1) - Date.UTC(1816, 0, 1)) / 86400000)), "the slider follows the date");
  await page.screenshot({ path: join(shots, "3-korea-2024-11-01.png"), fullPage: true });

  // A shared link opens as it was: the 2025 answer, the edge and the treaty.
  const page2 = await newPage();
  await page2.goto(shared, { waitUntil: "load" });
  await page2.waitForSelector("body[data-ready]", { timeout: 15000 });
  check((await page2.$eval("body", (b) => b.dataset.answered)) === "ROK-PRK-2025-03-01", "shared link: the same query");
  check((await page2.$eval("#detail-quote", (q) => q.textContent).catch(() => "")).startsWith("In case any one"), "shared link: the same obligation open");
  check(await page2.$eval("#treaty-select", (s) => s.value) === "rus-prk-2024", "shared link: the same treaty in the reader");
  await page2.close();

  // History, asked in names people type: the map says which states it
  // cannot draw rather than drawing today's borders as 1914's.
  await ask(page, "Austria-Hungary", "Serbia", "1914-07-28", "AUH-YUG-1914-07-28");
  const notice = await page.$eval("#borders", (b) => (b.hidden ? "" : b.textContent));
  check(/Borders on 1914-07-28 were not today's/.test(notice) && notice.includes("AUH (Austria-Hungary)") && notice.includes("YUG (Yugoslavia)"),
    "1914: the borders notice lists the states it cannot draw (AUH, YUG, ...)");
  check(await page.$('#map path[data-abb="AUH"]') === null, "1914: Austria-Hungary is not drawn with a modern outline");
  check((await page.$$('#graph .edge[data-obligor="GMY"]')).length >= 1, "1914: Germany's obligations to Austria-Hungary in the graph");
  await page.screenshot({ path: join(shots, "4-austria-hungary-serbia-1914-07-28.png"), fullPage: true });

  // An error a person makes, answered in words.
  await ask(page, "ROK", "PRK", "2025-03-01");
  await page.click("#attacker", { clickCount: 3 });
  await page.type("#attacker", "SERBA");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => !document.getElementById("error").hidden, { timeout: 10000 });
  const err = await page.$eval("#error", (e) => e.textContent);
  check(err === "unknown state 'SERBA': did you mean YUG (Serbia)?", `a typo is answered: ${err}`);
  // The cascade: a shipped scenario simulated from a shared link, on a
  // second server without the datasets, which keeps the test short.
  const second = await startServer(false);
  servers.push(second.child);
  const page3 = await newPage();
  await page3.goto(`${second.base}?scenario=korea-dmz-2025&trials=400`, { waitUntil: "load" });
  await page3.waitForSelector('body[data-simulated="korea-dmz-2025"]', { timeout: 120000 });
  check(await page3.$eval("#cascade-panel", (p) => !p.hidden), "cascade: the panel shows the simulation");
  check((await page3.$$("#timeline path.band")).length === 1 && (await page3.$$("#timeline path.mean")).length === 1, "cascade: belligerents by day, mean and quartile band");
  const usa = await page3.$eval('#states-table tr[data-abb="USA"]', (tr) => [...tr.children].map((td) => td.textContent)).catch(() => null);
  check(usa !== null && /^\d+\.\d% \[/.test(usa[2]), `cascade: USA's P(joins) with its interval (${usa ? usa[2] : "no row"})`);
  const pUSA = await page3.$eval('#map path[data-abb="USA"]', (p) => Number(p.getAttribute("data-p"))).catch(() => 0);
  check(pUSA > 0 && pUSA <= 1, `cascade: the map coloured by P(joins) (USA ${pUSA})`);
  check((await page3.$eval("#sim-status", (e) => e.textContent)).startsWith("done: 400 trials"), "cascade: 400 trials, as the link asked");
  await page3.screenshot({ path: join(shots, "5-cascade-korea-dmz-2025.png"), fullPage: true });

  // That 400 is expected; everything else must be clean.
  const unexpected = problems.filter((p) => !/HTTP 400: .*attacker=SERBA/.test(p) && !/status of 400/.test(p));
  check(unexpected.length === 0, `no console error, failed request or outside request${unexpected.length ? ": " + unexpected.join(" | ") : ""}`);
  console.log(`browser test: ${checks} checks in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${shots}`);
} catch (e) {
  failures++;
  console.log(`FAIL ${e.stack || e}`);
} finally {
  await browser.close();
  for (const c of servers) c.kill("SIGTERM");
  rmSync(profile, { recursive: true, force: true });
}
console.log(`${checks - (failures > checks ? checks : failures)} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
