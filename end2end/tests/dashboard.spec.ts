import { expect, request, test } from "@playwright/test";
import { ADMIN, DEMO_PASSWORD, apiAs, failOnConsoleErrors, login, open, orderFor, queueRow } from "./helpers";

test("an agent's queue shows a newly assigned order without a reload", async ({ page, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  await login(page, "lina.cherif@demo.ecomanager.dz", DEMO_PASSWORD);
  await open(page, "/queue");
  await expect(page.getByTestId("my-open")).toBeVisible();
  // assigned through the API while the page stays as it is: the live stream brings it
  const order = await orderFor(admin, "lina.cherif@demo.ecomanager.dz");
  await expect(queueRow(page, order.number)).toBeVisible();
  noErrors();
});

test("a supervisor in Arabic opens the dashboard, drills into the orders past the deadline, and a chart's table matches its bars", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  await login(page, "yacine.benali@demo.ecomanager.dz", DEMO_PASSWORD);
  // the landing page of a supervisor is the dashboard
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("لوحة القيادة");

  // the last 30 days by week: several bars, the first week at the inline start (the right)
  await page.getByRole("link", { name: "30 يومًا" }).click();
  await page.waitForURL(/period=week/);
  const received = page.locator("figure.chart").first();
  const bars = received.locator("g.bar");
  await expect(bars.first()).toBeVisible();
  const count = await bars.count();
  expect(count).toBeGreaterThan(3);
  const x = async (i: number) => Number(await bars.nth(i).locator("rect").getAttribute("x"));
  expect(await x(0)).toBeGreaterThan(await x(count - 1));
  await received.locator("summary").click();
  const cells = received.locator("table td");
  await expect(cells).toHaveCount(count);
  const barValues = await bars.evaluateAll((gs) => gs.map((g) => g.getAttribute("data-value")));
  const cellValues = await cells.evaluateAll((tds) => tds.map((td) => td.getAttribute("data-value")));
  expect(cellValues).toEqual(barValues);
  expect(barValues.reduce((sum, v) => sum + Number(v), 0)).toBeGreaterThan(0);

  // the past-deadline counter opens the list of those orders
  const pastDeadline = page.getByTestId("past-deadline");
  const shown = Number((await pastDeadline.textContent())!.replace(/\D/g, ""));
  await pastDeadline.click();
  await page.waitForURL(/list=past_deadline/);
  const rows = page.getByTestId("drill-orders").locator("tbody tr");
  await expect(page.getByTestId("drill-total")).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(shown);
  await expect(page.getByRole("link", { name: "تصدير CSV" })).toHaveAttribute("href", /format=csv&list=past_deadline/);
  noErrors();
});
