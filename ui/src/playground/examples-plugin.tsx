import { useGraphiQL, useGraphiQLActions, type GraphiQLPlugin } from '@graphiql/react';
import { exampleFiles, type ExampleFile } from './examples';

/**
 * Opens an examples file in a new tab, with the cursor on the chosen operation and the current tab's
 * headers (a new tab would otherwise start from the default ones, e.g. the development token).
 */
function useOpenExample() {
  const { addTab } = useGraphiQLActions();
  const queryEditor = useGraphiQL((state) => state.queryEditor);
  const headerEditor = useGraphiQL((state) => state.headerEditor);
  return (file: ExampleFile, operation?: string) => {
    const headers = headerEditor?.getValue();
    addTab();
    if (headers !== undefined) headerEditor?.setValue(headers);
    if (!queryEditor) return;
    queryEditor.setValue(file.document);
    const line = operation
      ? file.document.split('\n').findIndex((text) => new RegExp(`\\b${operation}\\b`).test(text)) + 1
      : 1;
    queryEditor.setPosition({ lineNumber: Math.max(line, 1), column: 1 });
    queryEditor.revealLineInCenter(Math.max(line, 1));
    queryEditor.focus();
  };
}

function ExamplesPanel() {
  const open = useOpenExample();
  return (
    <section className="switchboard-examples" aria-label="Example operations">
      <div className="graphiql-doc-explorer-title">Examples</div>
      <p>
        Operations for the gateway and for each provider, from <code>src/datasources/&lt;provider&gt;</code>.
        Choose one to open it in a new tab.
      </p>
      {exampleFiles.map((file) => (
        <div key={file.name} className="switchboard-examples-file">
          <button type="button" className="switchboard-examples-name" onClick={() => open(file)}>
            {file.name}
          </button>
          <ul>
            {file.operations.map((operation) => (
              <li key={operation}>
                <button type="button" onClick={() => open(file, operation)}>
                  {operation}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function ExamplesIcon() {
  return (
    <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth="1.5">
      <path d="M4 5h16M4 10h16M4 15h10M4 20h7" strokeLinecap="round" />
    </svg>
  );
}

export const examplesPlugin: GraphiQLPlugin = {
  title: 'Examples',
  icon: ExamplesIcon,
  content: ExamplesPanel,
};
