// Microsoft's @azure/synapse-artifacts and @azure/identity driven against
// git synapse emulator over HTTPS. Reads the emulator's exports from the
// environment (SYNAPSE_ENDPOINT, AZURE_AUTHORITY_HOST, AZURE_TENANT_ID,
// AZURE_CLIENT_ID, AZURE_CLIENT_SECRET; NODE_EXTRA_CA_CERTS trusts its
// certificate). Prints TAP; exits 1 on a failure.
import { ArtifactsClient } from "@azure/synapse-artifacts";
import { ClientSecretCredential } from "@azure/identity";

const env = process.env;
const credential = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID,
	env.AZURE_CLIENT_SECRET, { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
const client = new ArtifactsClient(credential, env.SYNAPSE_ENDPOINT);
const fast = { updateIntervalInMs: 10 };
let n = 0, failed = 0;

async function check(title, fn) {
	n++;
	try {
		await fn();
		console.log(`ok ${n} - ${title}`);
	} catch (e) {
		failed++;
		console.log(`not ok ${n} - ${title}`);
		console.log(`# ${String(e && e.stack || e).split("\n").join("\n# ")}`);
	}
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }
async function all(iter) { const out = []; for await (const x of iter) out.push(x); return out; }

const ls = { type: "AzureBlobStorage", typeProperties: { connectionString: "DefaultEndpointsProtocol=https;AccountName=x" } };

await check("linked service: create, poll, get", async () => {
	const r = await client.linkedServiceOperations.beginCreateOrUpdateLinkedServiceAndWait("LS1", { properties: ls }, fast);
	assert(r.name === "LS1", "name " + r.name);
	const g = await client.linkedServiceOperations.getLinkedService("LS1");
	assert(g.properties.type === "AzureBlobStorage", "type");
});
await check("dataset: create referring to the linked service", async () => {
	const r = await client.datasetOperations.beginCreateOrUpdateDatasetAndWait("DS1", { properties: {
		type: "Json", linkedServiceName: { referenceName: "LS1", type: "LinkedServiceReference" } } }, fast);
	assert(r.name === "DS1", "name");
});
await check("pipelines: create 60, list across pages", async () => {
	for (let i = 0; i < 60; i++)
		await client.pipelineOperations.beginCreateOrUpdatePipelineAndWait(`P${i}`, { activities: [] }, fast);
	const list = await all(client.pipelineOperations.listPipelinesByWorkspace());
	assert(list.length === 60, "listed " + list.length);
	const p = await client.pipelineOperations.getPipeline("P7");
	assert(p.name === "P7" && p.etag, "get");
});
await check("pipeline: rename and delete", async () => {
	await client.pipelineOperations.beginRenamePipelineAndWait("P0", { newName: "P0renamed" }, fast);
	const p = await client.pipelineOperations.getPipeline("P0renamed");
	assert(p.name === "P0renamed", "renamed");
	await client.pipelineOperations.beginDeletePipelineAndWait("P0renamed", fast);
	let gone = false;
	try { await client.pipelineOperations.getPipeline("P0renamed"); } catch (e) { gone = e.statusCode === 404; }
	assert(gone, "still there");
});
await check("notebook: create, get, list, delete", async () => {
	await client.notebookOperations.beginCreateOrUpdateNotebookAndWait("NB1", { name: "NB1", properties: {
		nbformat: 4, nbformatMinor: 2, metadata: {}, cells: [] } }, fast);
	const nb = await client.notebookOperations.getNotebook("NB1");
	assert(nb.name === "NB1", "get");
	const list = await all(client.notebookOperations.listNotebooksByWorkspace());
	assert(list.some(x => x.name === "NB1"), "list");
	await client.notebookOperations.beginDeleteNotebookAndWait("NB1", fast);
});
await check("trigger: create (Stopped), start, stop, delete", async () => {
	await client.triggerOperations.beginCreateOrUpdateTriggerAndWait("T1", { properties: {
		type: "ScheduleTrigger", recurrence: { frequency: "Minute", interval: 5, startTime: new Date(), timeZone: "UTC" },
		pipelines: [{ pipelineReference: { referenceName: "P1", type: "PipelineReference" } }] } }, fast);
	let t = await client.triggerOperations.getTrigger("T1");
	assert(t.properties.runtimeState === "Stopped", "created " + t.properties.runtimeState);
	await client.triggerOperations.beginStartTriggerAndWait("T1", fast);
	t = await client.triggerOperations.getTrigger("T1");
	assert(t.properties.runtimeState === "Started", "started");
	await client.triggerOperations.beginStopTriggerAndWait("T1", fast);
	t = await client.triggerOperations.getTrigger("T1");
	assert(t.properties.runtimeState === "Stopped", "stopped");
	await client.triggerOperations.beginDeleteTriggerAndWait("T1", fast);
});
await check("pipeline: createRun and run status", async () => {
	const r = await client.pipelineOperations.createPipelineRun("P1");
	assert(r.runId, "runId");
	const run = await client.pipelineRunOperations.getPipelineRun(r.runId);
	assert(run.runId === r.runId, "run");
});
await check("datasets and linked services: delete", async () => {
	await client.datasetOperations.beginDeleteDatasetAndWait("DS1", fast);
	await client.linkedServiceOperations.beginDeleteLinkedServiceAndWait("LS1", fast);
});
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
