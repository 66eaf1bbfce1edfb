// State that must be one per server process. Next builds each route and page with its own module instances, so a
// module-level Map is one per route: a plan created by POST /api/v1/traces would be unknown to the probe page, and a
// trace remembered there unknown to the snapshot route. Keyed on globalThis, every instance finds the same object.

/** The process's one `name` object, created by `create` the first time any module instance asks for it. */
export function processState<T>(name: string, create: () => T): T {
  const holder = globalThis as { [key: symbol]: unknown };
  const key = Symbol.for(`hopscope.${name}`);
  if (!(key in holder)) holder[key] = create();
  return holder[key] as T;
}
