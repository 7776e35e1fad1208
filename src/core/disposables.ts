/**
 * Ownership of Disposables (as vscode-pull-request-github's `src/common/lifecycle.ts`): an owner registers
 * each child as it makes it, and disposing the owner disposes the children, the last registered first.
 * Plain TypeScript: the core and the editor side both use it.
 */
import type { Disposable } from './ports';
import { t } from './l10n';

export function toDisposable(dispose: () => void): Disposable {
  return { dispose };
}

/** Dispose every item, the last first; the list is left empty. One failure does not stop the others. */
export function disposeAll(items: Disposable[]): void {
  const errors: unknown[] = [];
  while (items.length) {
    try {
      items.pop()?.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, t('{0} disposables failed to dispose', errors.length));
}

/** A base class whose `dispose()` disposes what it registered. */
export abstract class DisposableOwner implements Disposable {
  private readonly children: Disposable[] = [];
  private disposed = false;

  /** Own `child`: disposed with this owner (at once when the owner is already disposed). */
  protected register<T extends Disposable>(child: T): T {
    if (this.disposed) child.dispose();
    else this.children.push(child);
    return child;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.children);
  }
}
