// Drive Debian's Chromium (puppeteer-core, no browser download) through reader.html: one
// screenshot per requested location, and what epub.js reported about each. Reads a JSON job on
// stdin: {base, book, width, height, shots: [{name, target, path}]}; writes JSON results to stdout.
import puppeteer from "puppeteer-core";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const browser = await puppeteer.launch({
  executablePath: job.chromium, headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"],
});
const results = [];
try {
  if (job.walk) {  // every spine item and every page-list target (reader.html?walk=1)
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", error => errors.push(error.stack || error.message));
    await page.setViewport({width: job.width, height: job.height, deviceScaleFactor: 1});
    await page.goto(`${job.base}/reader.html?book=${encodeURIComponent(job.book)}&walk=1`);
    await page.waitForFunction(() => document.title !== "loading", {timeout: 240000});
    results.push({name: "walk", status: await page.title(), errors, ...(await page.evaluate(() => window.report))});
    await page.close();
  }
  for (const shot of job.shots) {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", error => errors.push(error.stack || error.message));
    await page.setViewport({width: job.width, height: job.height, deviceScaleFactor: 1});
    const url = `${job.base}/reader.html?book=${encodeURIComponent(job.book)}&target=${encodeURIComponent(shot.target || "")}`;
    await page.goto(url);
    await page.waitForFunction(() => document.title !== "loading", {timeout: 30000});
    await new Promise(resolve => setTimeout(resolve, 400));  // let fonts and layout settle
    await page.screenshot({path: shot.path});
    results.push({name: shot.name, target: shot.target, path: shot.path, status: await page.title(),
                  errors, ...(await page.evaluate(() => window.report))});
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results, null, 1));
