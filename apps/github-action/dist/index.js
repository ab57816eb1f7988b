import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import"./chunks/chunk-DZ6BWMJE.js";import{realpathSync as r}from"node:fs";import{fileURLToPath as e}from"node:url";async function a(){let{runInRunner:t}=await import("./chunks/runner-run-LCYRA37Z.js");await t()}var o=process.argv[1];o&&r(o)===r(e(import.meta.url))&&(process.env.RUNNER_DEBUG==="1"&&process.setSourceMapsEnabled(!0),await a());export{a as run};
//# sourceMappingURL=index.js.map
