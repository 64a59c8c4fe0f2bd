import { expect, request, test } from "@playwright/test";
import { ADMIN, DEMO_PASSWORD, apiAs, failOnConsoleErrors, login, open } from "./helpers";

test("a supervisor gives an agent French and wilaya 16, auto-assign routes a French order to them with its reason", async ({ page, browser, baseURL }) => {
  const noErrors = failOnConsoleErrors(page);
  const admin = await apiAs(request, baseURL!, ADMIN.email, ADMIN.password);
  const stamp = Date.now();
  const email = `routing.${stamp}@e2e.ecomanager.dz`;
  const name = `Meriem Routage ${stamp % 10000}`;
  const created = await admin.post("/api/users", {
    data: { email, name, role: "agent", locale: "fr", password: DEMO_PASSWORD },
  });
  expect(created.status()).toBe(201);

  // The supervisor edits the profile: French only, wilaya 16, on shift all week (the test may run at any hour).
  await login(page, "amina.belkacem@demo.ecomanager.dz", DEMO_PASSWORD);
  await page.getByRole("link", { name: "Agents", exact: true }).click();
  await page.getByRole("link", { name }).click();
  await page.getByLabel("Français").selectOption("4");
  await page.getByLabel("Darija").selectOption("0");
  await page.getByLabel("Arabe", { exact: true }).selectOption("0");
  await page.getByLabel("Wilayas couvertes").fill("16");
  for (const day of ["Dimanche", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi"]) {
    await page.getByLabel(day).fill("00:00-24:00");
  }
  await page.getByRole("button", { name: "Enregistrer" }).click();
  await expect(page.getByRole("status")).toHaveText("Profil enregistré.");

  // The agent comes online.
  const agent = await (await browser.newContext()).newPage();
  await login(agent, email, DEMO_PASSWORD);
  await agent.getByLabel("Présence").selectOption("available");
  await expect(agent.locator(".presence[data-presence=available]")).toBeVisible();

  // Only our agent is available: any other agent left available (another spec, an earlier attempt)
  // could take the order and make the test depend on luck.
  const users = await (await admin.get("/api/users")).json();
  const mine = users.find((u: { email: string }) => u.email === email);
  for (const other of await (await admin.get("/api/customer-service/agents")).json()) {
    if (other.userId !== mine.id && other.presence === "available") {
      await admin.put(`/api/customer-service/agents/${other.userId}/presence`, { data: { state: "offline" } });
    }
  }

  // A French customer in Algiers orders (someone new each run, so duplicate detection stays out of it).
  const first = ["Nadia", "Samir", "Leila", "Omar", "Yasmine", "Farid", "Kenza", "Reda"][stamp % 8];
  const order = await (
    await admin.post("/api/orders", {
      data: {
        reference: `E2E-ROUTE-${stamp}`,
        customer: { name: `${first} Khelifi-${stamp % 997}`, phone: `0661${String(stamp % 1_000_000).padStart(6, "0")}`, language: "fr" },
        delivery: { wilaya: 16, address: `${stamp % 500} rue Didouche Mourad`, type: "home" },
        items: [{ sku: `LIT-${stamp}`, name: "Lit parapluie", quantity: 1, unitPrice: 9800 }],
        total: 9800,
        priority: "urgent",
      },
    })
  ).json();
  expect((await (await admin.get(`/api/customer-service/orders/${order.id}`)).json()).duplicateInfo.isDuplicate).toBe(false);

  await page.getByRole("link", { name: "Commandes" }).click();
  await page.getByRole("button", { name: "Répartir automatiquement" }).click();
  const line = page.locator(`[data-testid=auto-assign-report] li[data-order="${order.id}"]`);
  await expect(line).toContainText(name);
  await expect(line).toContainText("le moins chargé");

  await open(agent, "/queue");
  await agent.locator(`[data-testid=queue-row][data-order="${order.id}"]`).click();
  const reason = agent.locator(`[data-testid=order-panel][data-order="${order.id}"] [data-testid=routing-reason]`);
  await expect(reason).toContainText(name);
  await expect(reason).toContainText("le moins chargé");
  await agent.context().close();
  noErrors();
});

test("the rankings page reads right to left in Arabic and drills down to the attempts", async ({ page }) => {
  const noErrors = failOnConsoleErrors(page);
  // Yacine Benali's saved language is Arabic; the demo has attempts by the demo agents.
  await login(page, "yacine.benali@demo.ecomanager.dz", DEMO_PASSWORD);
  await open(page, "/agents/rankings");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("ترتيب الأعوان");
  const rows = page.locator("[data-testid=rankings] tbody tr");
  await expect(rows.first()).toBeVisible();
  await expect(rows.first().locator("td").first()).toHaveText("1");
  // sort by attempts, then open the best agent's attempts
  await page.getByRole("link", { name: "المحاولات", exact: true }).click();
  await page.waitForURL(/sort=attempts/);
  await rows.first().getByRole("link").click();
  await page.waitForURL(/agent=\d+/);
  await expect(page.locator("[data-testid=agent-attempts] tbody tr").first()).toBeVisible();
  noErrors();
});
