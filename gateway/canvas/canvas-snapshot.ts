/**
 * A PNG of a canvas page. A viewer cannot screenshot itself (the page runs in the user's
 * browser), so the gateway renders the same URL in a headless Chromium of its own.
 */
/** Render `url` at the viewer's size and return the PNG. */
export async function renderCanvasSnapshot(options: {
  url: string;
  executablePath: string;
  width?: number;
  height?: number;
}): Promise<Buffer> {
  // Loaded on the first snapshot: a gateway that never takes one does not carry Playwright.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: options.executablePath,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--mute-audio'],
  });
  try {
    const page = await browser.newPage({
      viewport: { width: options.width ?? 1024, height: options.height ?? 768 },
    });
    await page.goto(options.url, { waitUntil: 'load', timeout: 20_000 });
    return await page.screenshot({ type: 'png' });
  } finally {
    await browser.close();
  }
}
