import type { TaskDefinition } from './define-task.js';
import { TaskValidationError, UnknownTaskTypeError } from './errors.js';
import { TaskTypeSchema } from './task-envelope.js';

/** The task types a deployment knows; the same registry serves enqueue (validation) and consume (handlers). */
export class TaskRegistry {
  readonly #definitions = new Map<string, TaskDefinition>();

  constructor(definitions: Iterable<TaskDefinition> = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: TaskDefinition): this {
    TaskTypeSchema.parse(definition.type);
    if (this.#definitions.has(definition.type)) {
      throw new TaskValidationError(`task type "${definition.type}" is registered twice`);
    }
    this.#definitions.set(definition.type, definition);
    return this;
  }

  /** @throws UnknownTaskTypeError */
  get(type: string): TaskDefinition {
    const definition = this.#definitions.get(type);
    if (!definition) throw new UnknownTaskTypeError(type);
    return definition;
  }

  has(type: string): boolean {
    return this.#definitions.has(type);
  }

  types(): string[] {
    return [...this.#definitions.keys()];
  }
}
