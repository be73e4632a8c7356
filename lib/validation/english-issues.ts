import { en } from 'zod/locales';
import { config } from 'zod/mini';

/**
 * Gives zod's issues their English messages, unless the application configured a locale itself.
 *
 * Tandem's schemas use `zod/mini`: tree-shakable, about 440 KB less per bundle than classic zod, but with
 * no messages of its own (every issue would read "Invalid input"). The English locale, about 3 KB, gives
 * the messages classic zod gives, so the `issues` of a 4xx read the same. The modules whose schemas answer
 * callers (the envelope, the config) call it when they load, which is before anything is parsed.
 */
export function useEnglishIssues(): void {
  if (config().localeError === undefined) config(en());
}
