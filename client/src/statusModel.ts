// How the status bar item presents the language server's state. Free of `vscode` so that it can be tested alone.

/**
 * `stopped` is a stop the extension asked for (restart, shutdown); `crashed` is a stop nobody asked for, after the
 * client's own restarts gave up; `failed` is a start that never got to `initialize`.
 */
export type ServerStatus = 'starting' | 'running' | 'stopped' | 'crashed' | 'failed';

export interface StatusPresentation {
  text: string;
  tooltip: string;
  /** Shown with the error colours, and whatever editor is active, so that a dead server is noticed. */
  error: boolean;
}

const NAME = 'Helm Hooks';

export function presentStatus(status: ServerStatus): StatusPresentation {
  switch (status) {
    case 'starting':
      return { text: `$(sync~spin) ${NAME}`, tooltip: 'The Helm Hooks language server is starting.', error: false };
    case 'running':
      return {
        text: `$(check) ${NAME}`,
        tooltip: 'The Helm Hooks language server is running. Click to show its output.',
        error: false,
      };
    case 'stopped':
      return { text: `$(circle-slash) ${NAME}`, tooltip: 'The Helm Hooks language server is stopped.', error: false };
    case 'crashed':
      return {
        text: `$(error) ${NAME}`,
        tooltip:
          'The Helm Hooks language server stopped unexpectedly and was not restarted, so templates are not checked. Click to show its output, then run "Helm Hooks: Restart Server".',
        error: true,
      };
    case 'failed':
      return {
        text: `$(error) ${NAME}`,
        tooltip:
          'The Helm Hooks language server failed to start, so templates are not checked. Click to show its output, then run "Helm Hooks: Restart Server".',
        error: true,
      };
  }
}
