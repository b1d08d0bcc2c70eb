// Drives Harbormaster through the AWS SDK for JavaScript v3 (@aws-sdk/client-ecs) and prints one JSON summary line.
// Run by JsSdkIT from target/js-client (where the SDK is installed), with:
//   HM_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, HM_SUFFIX (makes names unique per run).
import {
  ECSClient,
  CreateClusterCommand,
  DescribeClustersCommand,
  ListClustersCommand,
  RegisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  UpdateClusterCommand,
} from "@aws-sdk/client-ecs";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`missing environment variable ${name}`);
  return value;
};

const endpoint = env("HM_ENDPOINT");
const region = env("AWS_REGION");
const suffix = env("HM_SUFFIX");
const client = (secretAccessKey) => new ECSClient({
  endpoint,
  region,
  credentials: { accessKeyId: env("AWS_ACCESS_KEY_ID"), secretAccessKey },
  maxAttempts: 1, // a retried 500 would hide the failure this script is meant to show
});
const ecs = client(env("AWS_SECRET_ACCESS_KEY"));

/** The fields of an SDK error that tell how it was parsed; a non-JSON body would have thrown a SyntaxError instead. */
const describeError = (e) => ({
  name: e.name,
  constructor: e.constructor?.name,
  message: e.message,
  fault: e.$fault,
  httpStatusCode: e.$metadata?.httpStatusCode,
  requestId: e.$metadata?.requestId,
});

const expectError = async (promise) => {
  try {
    await promise;
    return { name: "(no error)" };
  } catch (e) {
    return describeError(e);
  }
};

const clusterName = `js-${suffix}`;
const family = `js-family-${suffix}`;

const created = await ecs.send(new CreateClusterCommand({
  clusterName,
  tags: [{ key: "client", value: "js-sdk" }],
  settings: [{ name: "containerInsights", value: "enabled" }],
}));

const registered = await ecs.send(new RegisterTaskDefinitionCommand({
  family,
  networkMode: "bridge",
  containerDefinitions: [{
    name: "app",
    image: "public.ecr.aws/docker/library/busybox:latest",
    memory: 128,
    command: ["sleep", "3600"],
    portMappings: [{ containerPort: 8080, hostPort: 0, protocol: "tcp" }],
    environment: [{ name: "GREETING", value: "hello" }],
  }],
  tags: [{ key: "client", value: "js-sdk" }],
}));

const clusters = await ecs.send(new DescribeClustersCommand({
  clusters: [clusterName, `js-missing-${suffix}`],
  include: ["TAGS", "SETTINGS"],
}));

const taskDefinition = await ecs.send(new DescribeTaskDefinitionCommand({
  taskDefinition: `${family}:${registered.taskDefinition.revision}`,
  include: ["TAGS"],
}));

const listed = [];
let nextToken;
let pages = 0;
do {
  const page = await ecs.send(new ListClustersCommand({ maxResults: 2, nextToken }));
  listed.push(...page.clusterArns);
  nextToken = page.nextToken;
  pages++;
} while (nextToken && pages < 1000);

const td = taskDefinition.taskDefinition;
const summary = {
  sdkVersion: (await import("@aws-sdk/client-ecs/package.json", { with: { type: "json" } })
    .then((m) => m.default.version).catch(() => "unknown")),
  createdCluster: {
    arn: created.cluster.clusterArn,
    status: created.cluster.status,
    requestId: created.$metadata.requestId,
    httpStatusCode: created.$metadata.httpStatusCode,
  },
  describedClusters: clusters.clusters.map((c) => ({
    name: c.clusterName,
    status: c.status,
    tags: c.tags,
    settings: c.settings,
  })),
  clusterFailures: clusters.failures,
  registered: { arn: registered.taskDefinition.taskDefinitionArn, revision: registered.taskDefinition.revision },
  describedTaskDefinition: {
    arn: td.taskDefinitionArn,
    family: td.family,
    revision: td.revision,
    status: td.status,
    registeredAtIsDate: td.registeredAt instanceof Date && !Number.isNaN(td.registeredAt.getTime()),
    registeredAtMillis: td.registeredAt instanceof Date ? td.registeredAt.getTime() : null,
    container: td.containerDefinitions[0],
    tags: taskDefinition.tags,
  },
  listedClusters: { pages, containsCreated: listed.includes(created.cluster.clusterArn), count: listed.length },
  unknownClusterError: await expectError(ecs.send(new UpdateClusterCommand({
    cluster: `js-missing-${suffix}`,
    settings: [{ name: "containerInsights", value: "disabled" }],
  }))),
  wrongSecretError: await expectError(client("not-the-secret").send(new ListClustersCommand({}))),
};
console.log(JSON.stringify(summary));
