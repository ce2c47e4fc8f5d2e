/**
 * The start-up script: a few lines the page runs before its own script has loaded (renderPanelHtml puts it at the
 * start of the body), which begin Python's start-up at once (startup_files.ts: the worker script, the first worker,
 * Pyodide's files and a saved snapshot). The runtime takes that start-up over when the page's script runs.
 */

import { beginStartupFor, publishStartup, startupOptions } from "./startup_files";

publishStartup(() => beginStartupFor(startupOptions(document.body.dataset)));
