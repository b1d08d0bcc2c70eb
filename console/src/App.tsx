import { ListClustersCommand } from "@aws-sdk/client-ecs";
import { useEffect, useState } from "react";
import { Api } from "./api";
import { ClusterPage } from "./pages/Cluster";
import { ClustersPage } from "./pages/Clusters";
import { EventsPage } from "./pages/Events";
import { HistoryPage } from "./pages/History";
import { ServicePage } from "./pages/Service";
import { TaskPage } from "./pages/Task";
import { parseRoute, type Route } from "./route";
import { ErrorBoundary, ErrorNote } from "./ui";

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return route;
}

export function App() {
  const [api, setApi] = useState<Api>();
  const route = useRoute();
  if (!api) return <SignIn onSignedIn={setApi} />;
  return (
    <>
      <header className="top">
        <a className="brand" href="#/clusters">
          Harbormaster
        </a>
        <nav aria-label="Main">
          <a href="#/clusters" aria-current={["clusters", "cluster", "service", "task"].includes(route.page) ? "page" : undefined}>
            Clusters
          </a>
          <a href="#/history" aria-current={route.page === "history" ? "page" : undefined}>
            History
          </a>
          <a href="#/events" aria-current={route.page === "events" ? "page" : undefined}>
            Live events
          </a>
        </nav>
        <span className="who">
          {api.credentials.accessKeyId} · {api.credentials.region}{" "}
          <button type="button" className="link" onClick={() => setApi(undefined)}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        <ErrorBoundary key={JSON.stringify(route)}>
          <Page api={api} route={route} />
        </ErrorBoundary>
      </main>
    </>
  );
}

function Page({ api, route }: { api: Api; route: Route }) {
  switch (route.page) {
    case "clusters":
      return <ClustersPage api={api} />;
    case "cluster":
      return <ClusterPage api={api} cluster={route.cluster} />;
    case "service":
      return <ServicePage api={api} cluster={route.cluster} service={route.service} />;
    case "task":
      return <TaskPage api={api} cluster={route.cluster} task={route.task} />;
    case "history":
      return <HistoryPage api={api} arn={route.arn} at={route.at} />;
    case "events":
      return <EventsPage api={api} />;
  }
}

/** Credentials stay in this component's state: never in storage, gone with the tab. */
function SignIn({ onSignedIn }: { onSignedIn: (api: Api) => void }) {
  const [accessKeyId, setAccessKeyId] = useState("");
  const [secretAccessKey, setSecret] = useState("");
  const [region, setRegion] = useState("us-east-1");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <main className="signin">
      <form
        aria-labelledby="signin-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          const api = new Api({ accessKeyId: accessKeyId.trim(), secretAccessKey: secretAccessKey.trim(), region: region.trim() });
          try {
            // a signed call proves the key: a wrong secret answers with the API's own refusal
            await api.ecs.send(new ListClustersCommand({ maxResults: 1 }));
            onSignedIn(api);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1 id="signin-title">Harbormaster console</h1>
        <p className="muted">
          Sign in with an access key (<code>./harbormaster up</code> prints one). It stays in this tab's memory only.
        </p>
        <label>
          Access key id
          <input required autoComplete="username" value={accessKeyId} onChange={(e) => setAccessKeyId(e.target.value)} />
        </label>
        <label>
          Secret access key
          <input
            required
            type="password"
            autoComplete="current-password"
            value={secretAccessKey}
            onChange={(e) => setSecret(e.target.value)}
          />
        </label>
        <label>
          Region
          <input required value={region} onChange={(e) => setRegion(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <ErrorNote error={error} context="Sign in" />
      </form>
    </main>
  );
}
