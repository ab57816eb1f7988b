import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import"./chunks/chunk-DZ6BWMJE.js";import{realpathSync as r}from"node:fs";import{fileURLToPath as a}from"node:url";async function e(){let{runInRunner:o}=await import("./chunks/runner-run-UXA7P57Y.js");await o()}var t=process.argv[1];t&&r(t)===r(a(import.meta.url))&&(process.setSourceMapsEnabled(!0),await e());export{e as run};
//# sourceMappingURL=index.js.map
