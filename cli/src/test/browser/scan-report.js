// Opens a scan report (driftguard scan --format html) in Debian's chromium, headless, and prints as one JSON object
// what a person sees; HtmlReportIT asserts on it. Usage: node scan-report.js REPORT.html SCREENSHOT.png
// Environment: PLAYWRIGHT_CORE (the installed playwright-core module), CHROMIUM (the browser binary).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { chromium } = require(process.env.PLAYWRIGHT_CORE);

const [report, screenshot] = process.argv.slice(2);

async function visibleRows(page, table) {
  return page.$$eval(`#${table} tbody tr`, rows => rows.filter(row => !row.hidden).map(row => row.cells[0].textContent));
}

async function main() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftguard-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width: 1360, height: 900 },
    timeout: 30000,
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    const seen = { requests: [], errors: [], dialogs: [] };
    page.on('request', request => {
      if (!request.url().startsWith('file:')) {
        seen.requests.push(request.url());
      }
    });
    page.on('pageerror', error => seen.errors.push(String(error)));
    page.on('console', message => {
      if (message.type() === 'error') {
        seen.errors.push(message.text());
      }
    });
    page.on('dialog', dialog => {
      seen.dialogs.push(dialog.message());
      dialog.dismiss();
    });
    await page.goto(pathToFileURL(path.resolve(report)).href, { waitUntil: 'load' });

    seen.title = await page.title();
    seen.counts = await page.$$eval('[data-count]', cards => Object.fromEntries(
      cards.map(card => [card.getAttribute('data-count'), card.querySelector('.value').textContent])));
    seen.chartBars = await page.$$eval('figure', figures => Object.fromEntries(figures.map(figure => [figure.id,
      Array.from(figure.querySelectorAll('g.row')).map(row => row.querySelectorAll('text')[0].firstChild.textContent
        + '=' + row.querySelector('text.value').textContent)])));
    seen.columns = await page.$$eval('#apps thead th', cells => cells.map(cell => cell.textContent));
    seen.rows = await visibleRows(page, 'apps');
    seen.cells = await page.$$eval('#apps tbody tr', (rows, columns) => Object.fromEntries(rows.map(row => [
      row.cells[0].textContent,
      Object.fromEntries(Array.from(row.cells).map((cell, i) => [columns[i], cell.textContent]))])), seen.columns);
    seen.fixes = await page.$$eval('#findings tbody tr', rows => rows.map(row =>
      Array.from(row.cells).map(cell => cell.textContent)));
    seen.shown = await page.textContent('#apps-shown');
    // What an injected tag would have done: the page's own script is the only one, and nothing ran.
    seen.scripts = await page.$$eval('script', scripts => scripts.length);
    seen.injectedElements = await page.$$eval('tbody img, tbody script, tbody iframe, svg script', found => found.length);
    seen.hostileRan = await page.evaluate(() => window.__driftguardHostile === undefined ? null : window.__driftguardHostile);

    await page.screenshot({ path: screenshot, fullPage: true });

    // Readable on a 1400 px screen: neither the page nor any table runs past the window's right edge.
    await page.setViewportSize({ width: 1400, height: 900 });
    seen.overflowAt1400 = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return {
        page: document.documentElement.scrollWidth - width,
        tables: Array.from(document.querySelectorAll('table'))
          .filter(table => table.getBoundingClientRect().right > width).map(table => table.id),
      };
    });
    await page.setViewportSize({ width: 1360, height: 900 });

    await page.fill('#filter', 'rg-other');
    seen.filtered = await visibleRows(page, 'apps');
    seen.filteredShown = await page.textContent('#apps-shown');
    seen.filteredFixes = await visibleRows(page, 'findings');
    await page.fill('#filter', '');
    await page.selectOption('#show', 'findings');
    seen.withFindings = await visibleRows(page, 'apps');
    await page.selectOption('#show', 'all');
    await page.click('#apps thead th:first-child button');
    await page.click('#apps thead th:first-child button');
    seen.sortedDescending = await visibleRows(page, 'apps');
    seen.ariaSort = await page.getAttribute('#apps thead th:first-child', 'aria-sort');
    process.stdout.write(JSON.stringify(seen) + '\n');
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch(error => {
  process.stderr.write(String(error && error.stack || error) + '\n');
  process.exit(1);
});
