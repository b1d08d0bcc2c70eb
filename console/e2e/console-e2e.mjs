// The console's end-to-end scenarios in Debian's headless Chromium, driven by playwright-core. ConsoleIT starts a
// real server with an agent on real Docker and runs one scenario per test:
//   node e2e/console-e2e.mjs <scenario>
// with HM_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, HM_CLUSTER, HM_SCREENSHOTS and the
// scenario's own variables (below). Each scenario saves screenshots and prints one JSON line for the test to check.
// Every element is found by its accessible role and name, so the scenarios also check the labels.
import { ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs";
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
};
const endpoint = env("HM_ENDPOINT");
const cluster = env("HM_CLUSTER");
const shots = env("HM_SCREENSHOTS");
mkdirSync(shots, { recursive: true });
const STEADY_TIMEOUT = 120_000;

const browser = await chromium.launch({
  executablePath: process.env.HM_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  // playwright gives every launch a fresh temporary --user-data-dir of its own
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const consoleErrors = [];
page.on("pageerror", (e) => consoleErrors.push(String(e)));

const shot = async (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

async function signIn(secret = env("AWS_SECRET_ACCESS_KEY")) {
  const started = Date.now();
  await page.goto(`${endpoint}/console/`);
  await page.getByLabel("Access key id").fill(env("AWS_ACCESS_KEY_ID"));
  await page.getByLabel("Secret access key").fill(secret);
  await page.getByLabel("Region").fill(env("AWS_REGION"));
  await page.getByRole("button", { name: "Sign in" }).click();
  return started;
}

const scenarios = {
  /** Signs in and sees the cluster with its counts and resource bars, at 1280 px and at a phone's width. */
  async "sign-in"() {
    const started = await signIn();
    const card = page.getByRole("article", { name: `Cluster ${cluster}` });
    await card.waitFor();
    const firstPageMillis = Date.now() - started;
    await card.getByRole("meter", { name: "Memory reserved" }).waitFor();
    await shot("console-clusters");
    await page.setViewportSize({ width: 390, height: 844 });
    await shot("console-clusters-phone");
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    return {
      firstPageMillis,
      cardText: await card.innerText(),
      memoryText: await card.getByRole("meter", { name: "Memory reserved" }).getAttribute("aria-valuetext"),
      phoneScrollWidth: scrollWidth,
    };
  },

  /** A wrong secret shows the API's own refusal next to the form. */
  async "wrong-secret"() {
    await signIn("wrong-" + env("AWS_SECRET_ACCESS_KEY"));
    const alert = page.getByRole("alert");
    await alert.waitFor();
    await shot("console-wrong-secret");
    return { alert: await alert.innerText() };
  },

  /** Creates a service from a task definition on the cluster page and watches it reach steady state. */
  async "create-service"() {
    const service = env("HM_SERVICE");
    await signIn();
    await page.getByRole("link", { name: cluster, exact: true }).click();
    const form = page.getByRole("form", { name: "Create a service" });
    await form.getByLabel("Service name").fill(service);
    await form.getByLabel("Task definition").fill(env("HM_TASK_DEFINITION"));
    await form.getByLabel("Desired count").fill("2");
    await form.getByRole("button", { name: "Create service" }).click();
    await page.getByRole("heading", { name: `Service ${service}` }).waitFor();
    await page.getByTestId("steady-state").filter({ hasText: /^steady state$/ }).waitFor({ timeout: STEADY_TIMEOUT });
    await page.getByRole("heading", { name: "RUNNING (2)" }).waitFor();
    await shot("console-service");
    return { url: page.url(), summary: await page.locator(".panel").first().innerText() };
  },

  /** Stops a service's task on its task page and sees the service replace it. */
  async "stop-task"() {
    const service = env("HM_SERVICE");
    const task = env("HM_TASK_ID");
    await signIn();
    await page.goto(`${endpoint}/console/#/clusters/${cluster}/tasks/${task}`);
    await page.getByLabel("Reason").fill("stopped by ConsoleIT");
    await page.getByRole("button", { name: "Stop task" }).click();
    await page.getByTestId("stopped-reason").filter({ hasText: "stopped by ConsoleIT" }).waitFor({ timeout: 60_000 });
    await page.getByRole("heading", { name: /^Task .* STOPPED$/ }).waitFor({ timeout: 60_000 });
    await shot("console-task-stopped");
    await page.getByRole("link", { name: service, exact: true }).click();
    // the replacement runs, and the stopped one is listed apart
    const running = page.getByRole("heading", { name: "RUNNING (1)" });
    await running.waitFor({ timeout: STEADY_TIMEOUT });
    await page.getByRole("heading", { name: "STOPPED (1)" }).waitFor({ timeout: STEADY_TIMEOUT });
    await page.getByTestId("steady-state").filter({ hasText: /^steady state$/ }).waitFor({ timeout: STEADY_TIMEOUT });
    const runningIds = await page.locator("h3:has-text('RUNNING') + div a").allInnerTexts();
    await shot("console-service-replaced");
    return { runningIds };
  },

  /** Opens the history of a stopped task, views it as of its first event, and sees what differs from now. */
  async history() {
    const arn = env("HM_TASK_ARN");
    await signIn();
    await page.goto(`${endpoint}/console/#/history?${new URLSearchParams({ arn })}`);
    const events = page.getByRole("list", { name: "Events of the resource, oldest first" });
    await events.getByRole("button").first().waitFor();
    const count = await events.getByRole("button").count();
    // the second event: the task exists by then (the first may be its creation before any state)
    await events.getByRole("button").nth(Math.min(1, count - 1)).click();
    const summary = page.getByTestId("diff-summary");
    await summary.waitFor();
    const rows = page.locator("table.diff tbody tr");
    const lastStatus = page.locator("table.diff tbody tr", { has: page.locator("th", { hasText: /^lastStatus/ }) });
    await lastStatus.waitFor();
    await shot("console-history");
    return {
      events: count,
      summary: await summary.innerText(),
      changedRows: await page.locator("table.diff tbody tr.diff-changed").count(),
      rows: await rows.count(),
      lastStatus: (await lastStatus.locator("td").allInnerTexts()),
      lastStatusClass: await lastStatus.getAttribute("class"),
    };
  },

  /** Follows the live stream filtered to task state changes and sees a task it starts arrive. */
  async "live-event"() {
    await signIn();
    await page.getByRole("link", { name: "Live events" }).click();
    await page.getByLabel(/EventBridge pattern/).fill('{"detail-type":["ECS Task State Change"]}');
    await page.getByRole("button", { name: "Apply filter" }).click();
    await page.getByRole("status").filter({ hasText: "Stream: connected" }).waitFor({ timeout: 30_000 });
    const ecs = new ECSClient({
      endpoint,
      region: env("AWS_REGION"),
      credentials: { accessKeyId: env("AWS_ACCESS_KEY_ID"), secretAccessKey: env("AWS_SECRET_ACCESS_KEY") },
      maxAttempts: 1,
    });
    const run = await ecs.send(new RunTaskCommand({ cluster, taskDefinition: env("HM_TASK_DEFINITION") }));
    const taskArn = run.tasks?.[0]?.taskArn;
    if (!taskArn) throw new Error("RunTask started nothing: " + JSON.stringify(run.failures));
    const id = taskArn.substring(taskArn.lastIndexOf("/") + 1);
    const item = page.getByRole("list", { name: "Events, newest first" }).getByRole("listitem").filter({ hasText: id.substring(0, 12) });
    await item.first().waitFor({ timeout: 60_000 });
    const others = await page
      .getByRole("list", { name: "Events, newest first" })
      .getByRole("listitem")
      .filter({ hasNotText: "ECS Task State Change" })
      .count();
    await shot("console-live-events");
    return { taskArn, item: await item.first().innerText(), otherDetailTypes: others };
  },
};

const name = process.argv[2];
const scenario = scenarios[name];
if (!scenario) {
  console.error(`unknown scenario ${name}; one of ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
try {
  const result = await scenario();
  console.log(JSON.stringify({ scenario: name, ...result, pageErrors: consoleErrors }));
} catch (e) {
  await shot(`console-${name}-failed`).catch(() => {});
  console.error(`scenario ${name} failed at ${page.url()}: ${e.stack ?? e}\npage errors: ${consoleErrors.join("\n")}`);
  console.error("page text:\n" + (await page.locator("body").innerText().catch(() => "(none)")));
  process.exitCode = 1;
} finally {
  await browser.close();
}
