/// <reference lib="webworker" />
/** Our worker as the README's quick start writes it: the default policy, the fallback cache on. */
import { installResilience } from '../../../src/sw/index.js';

installResilience({});
