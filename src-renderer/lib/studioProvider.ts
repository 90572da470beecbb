import { createContext } from 'svelte';
import type { Studio } from './studioParts.svelte.ts';

/**
 * The one studio of the page, provided once by App.svelte and read by any component beneath it:
 * `const studio = useStudio();` during the component's initialisation.
 */
const [useStudio, provideStudio] = createContext<Studio>();

export { provideStudio, useStudio };
