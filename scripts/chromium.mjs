// Where Chromium is and how to start it here. Shared by the test runner, Vitest and the bench.
import { existsSync } from 'node:fs'

/** Flags that let Debian's Chromium run headless, with WebGPU and WebGL on SwiftShader. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
]

/** @returns {string | undefined} `CHROMIUM_PATH`, else Debian's chromium, else undefined. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']
  return candidates.find((path) => Boolean(path && existsSync(path)))
}

/** @returns {{ executablePath?: string, args: string[] }} Playwright launch options. */
export function chromiumLaunchOptions() {
  const executablePath = chromiumPath()
  return executablePath ? { executablePath, args: CHROMIUM_ARGS } : { args: CHROMIUM_ARGS }
}

export const CHROMIUM_HELP = `No Chromium found for the browser tests. Install one of:
  - Debian/Ubuntu:  sudo apt-get install -y chromium      (gives /usr/bin/chromium)
  - any Chromium:   export CHROMIUM_PATH=/path/to/chromium
  - where the network allows it:  npx playwright install chromium
then run npm test again.`
