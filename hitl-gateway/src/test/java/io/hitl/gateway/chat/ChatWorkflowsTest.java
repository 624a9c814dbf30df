package io.hitl.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Decision workflows where the approver is, against the fake Slack and Discord APIs: approve with changes
 * through the policy's form (Slack modal with a review of the diff, Discord modal), persona acknowledgement
 * buttons, quorum progress and trade facts in the message, and re-request of a rejected request.
 */
class ChatWorkflowsTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String SECRET = "slack-signing-secret-for-workflows";
  static final String ALICE_DISCORD = "987654321012345678";
  static final String CAROL_DISCORD = "987654321012345679";
  static final String DAVE_DISCORD = "987654321012345680";
  static final KeyPair KEYS = SignedCalls.ed25519();
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("SLACK_BOT_TOKEN", "xoxb-test-token")
    .with("SLACK_CHANNEL", "C0APPROVALS")
    .with("SLACK_SIGNING_SECRET", SECRET)
    .with("SLACK_API_BASE_URL", fake.url() + "/api")
    .with("DISCORD_API_BASE_URL", fake.url() + "/discord")
    .with("DISCORD_PUBLIC_KEY", DiscordSignature.rawHex(KEYS.getPublic()))
    .with("HITL_NOTIFY_CHANNELS", "slack")
    .with("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE,alice=discord:" + ALICE_DISCORD + ",carol=slack:U0CAROL,"
      + "carol=discord:" + CAROL_DISCORD + ",engine-1=slack:U0DESK,dave=slack:U0DAVE,dave=discord:" + DAVE_DISCORD
      + ",erin=slack:U0ERIN")
    .with("HITL_CHAT_ROLES", "dave=risk|desk,erin=risk,carol=desk")
    .with("HITL_NOTIFY_POLL_MS", "200")
    .closeAfter(fake);
  static final String admin = gw.token("ops-admin", "admin");
  static final String engine = gw.token("engine-1", "submitter");
  static final String viewer = gw.token("vic", "viewer");
  static final String bob = gw.token("bob", "approver");

  @BeforeAll
  static void policies() {
    JsonObject edits = new JsonObject()
      .put("allowed", new JsonArray().add("quantity").add("price").add("tif"))
      .put("schema", new JsonObject().put("properties", new JsonObject()
        .put("quantity", new JsonObject().put("type", "number").put("exclusiveMinimum", 0))
        .put("tif", new JsonObject().put("type", "string").put("enum", new JsonArray().add("DAY").add("IOC")))))
      .put("decrease_only", new JsonArray().add("quantity"))
      .put("tighten_only", new JsonArray().add("price"))
      .put("max_diff_chars", 40);
    JsonArray personas = new JsonArray()
      .add(new JsonObject().put("persona", "risk").put("users", new JsonArray().add("alice")))
      .add(new JsonObject().put("persona", "compliance").put("users", new JsonArray().add("carol")));
    JsonObject doc = new JsonObject().put("default", new JsonObject()).put("policies", new JsonArray()
      .add(policy("editable", "CEDIT").put("edits", edits))
      .add(policy("acked", "CACK").put("acknowledgements", personas))
      .add(policy("pair", "CPAIR").put("required_approvals", 2)
        .put("approvers", new JsonObject().put("users", new JsonArray().add("alice").add("bob"))
          .put("roles", new JsonArray().add("risk"))))
      .add(policy("roleacked", "CRACK").put("acknowledgements", new JsonArray()
        .add(new JsonObject().put("persona", "risk").put("roles", new JsonArray().add("risk")))))
      .add(policy("rolepair", "CRPAIR").put("required_approvals", 2)
        .put("approvers", new JsonObject().put("roles", new JsonArray().add("risk"))))
      .add(policy("again", "CRR").put("re_request", new JsonObject().put("cooldown_seconds", 0)
        .put("max_per_lineage", 2))));
    Response r = gw.call("PUT", "/api/v1/policies", admin, doc);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  static JsonObject policy(String name, String ticker) {
    return new JsonObject().put("name", name).put("match", new JsonObject().put("tickers", new JsonArray().add(ticker)));
  }

  @Test
  void slackApproveWithChangesOpensThePolicysFormShowsTheDiffAndApprovesWithTheEdits() {
    String id = create("CEDIT");
    Call post = posted(id);
    assertThat(buttons(post).stream().map(b -> b.getString("action_id"))).contains("hitl_approve_edits");
    assertThat(text(post)).contains("*Quote*\nbid 2850 / ask 2851").contains("*Deviation*\n0.02% ask vs requested 2850.5 (limit 0.5%)")
      .contains("*Notional*\n285050.00").contains("*Time left*");

    Response click = SignedCalls.slack(gw.port(), SECRET, now(), SignedCalls.form(SignedCalls.slackClick("U0ALICE",
      "hitl_approve_edits", id, fake.url() + "/slack/response/" + UUID.randomUUID(), "C0APPROVALS", "1700000000.000001")));
    assertThat(click.status()).isEqualTo(200);
    Call open = fake.await("POST", "/api/views.open", c -> c.body().contains(id), 1, WAIT).get(0);
    assertThat(open.answered()).isEqualTo(200);
    assertThat(open.json().getString("trigger_id")).isEqualTo("1.2.3");
    JsonObject view = open.json().getJsonObject("view");
    assertThat(view.getString("callback_id")).isEqualTo("hitl_edit_modal");
    assertThat(view.getString("private_metadata")).isEqualTo(id);
    JsonObject quantity = block(view, "edit:quantity");
    assertThat(quantity.getJsonObject("element").getString("type")).isEqualTo("number_input");
    assertThat(quantity.getJsonObject("element").getString("initial_value")).isEqualTo("100");
    assertThat(quantity.getJsonObject("hint").getString("text")).contains("now 100").contains("> 0")
      .contains("may only be reduced");
    assertThat(block(view, "edit:price").getJsonObject("hint").getString("text")).contains("may only be tightened");
    JsonObject tif = block(view, "edit:tif").getJsonObject("element");
    assertThat(tif.getString("type")).isEqualTo("static_select");
    assertThat(tif.getJsonArray("options").size()).isEqualTo(2);
    assertThat(view.encode()).doesNotContain("edit:ticker").doesNotContain("edit:strategy");

    Response edited = submitEdits("U0ALICE", id, Map.of("quantity", "40", "price", "2850.5"));
    assertThat(edited.json().getString("response_action")).as(edited.body()).isEqualTo("push");
    JsonObject review = edited.json().getJsonObject("view");
    assertThat(review.getString("callback_id")).isEqualTo("hitl_edit_review");
    assertThat(review.encode()).contains("quantity: 100 → 40").doesNotContain("price:");
    assertThat(new JsonObject(review.getString("private_metadata")))
      .isEqualTo(new JsonObject().put("request_id", id).put("edits", new JsonObject().put("quantity", "40")));
    assertThat(get(id).getString("status")).as("the review decides nothing").isEqualTo("pending");

    Response approved = submitReview("U0ALICE", review.getString("private_metadata"), "resized for liquidity");
    assertThat(approved.json()).isEqualTo(new JsonObject().put("response_action", "clear"));
    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("approved");
    assertThat(a.getString("decided_by")).isEqualTo("alice");
    assertThat(a.getString("decision_channel")).isEqualTo("slack");
    assertThat(a.getString("decision_comment")).isEqualTo("resized for liquidity");
    assertThat(a.getJsonObject("overrides").getJsonObject("diff").getJsonObject("quantity"))
      .isEqualTo(new JsonObject().put("from", "100").put("to", "40"));
    assertThat(entries(id, "edits_applied")).singleElement()
      .satisfies(e -> assertThat(e.getString("actor")).isEqualTo("alice"));
    Call update = fake.await("POST", "/api/chat.update", c -> c.body().contains(id) && c.body().contains("APPROVED"), 1,
      WAIT).get(0);
    assertThat(text(update)).contains("*Changed:* quantity: 100 → 40");
  }

  @Test
  void slackEditsTheRulesRefuseAreShownOnTheirInputsAndChangeNothing() {
    String id = create("CEDIT");
    Response up = submitEdits("U0ALICE", id, Map.of("quantity", "150"));
    assertThat(up.json().getString("response_action")).isEqualTo("errors");
    assertThat(up.json().getJsonObject("errors").getString("edit:quantity")).contains("may only be reduced")
      .contains("SEC-010");
    Response zero = submitEdits("U0ALICE", id, Map.of("quantity", "0"));
    assertThat(zero.json().getJsonObject("errors").getString("edit:quantity")).contains("greater than 0");
    Response dearer = submitEdits("U0ALICE", id, Map.of("price", "2900"));
    assertThat(dearer.json().getJsonObject("errors").getString("edit:price")).contains("may only be lowered");
    Response same = submitEdits("U0ALICE", id, Map.of("quantity", "100.0"));
    assertThat(same.json().getJsonObject("errors").getString("edit:quantity")).contains("nothing was changed");
    Response stranger = submitEdits("U0NOBODY", id, Map.of("quantity", "40"));
    assertThat(stranger.json().getJsonObject("errors").getString("edit:quantity")).contains("SEC-090");
    Response forgedReview = SignedCalls.slackRaw(gw.port(), String.valueOf(now()), "v0=" + "00".repeat(32),
      SignedCalls.form(review("U0ALICE", new JsonObject().put("request_id", id)
        .put("edits", new JsonObject().put("quantity", "1")).encode(), "")));
    assertThat(forgedReview.status()).isEqualTo(401);
    assertThat(forgedReview.json().getString("code")).isEqualTo("SEC-070");
    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("pending");
    assertThat(a.getValue("overrides")).isNull();
  }

  @Test
  void aSlackEditSubmittedAfterTheRequestWasDecidedElsewhereIsRefusedAndTheModalSaysWhy() {
    String id = create("CEDIT");
    Response edited = submitEdits("U0ALICE", id, Map.of("quantity", "40"));
    String meta = edited.json().getJsonObject("view").getString("private_metadata");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", bob, Map.of()).status()).isEqualTo(200);

    Response late = submitReview("U0ALICE", meta, "");
    assertThat(late.json().getString("response_action")).isEqualTo("errors");
    assertThat(late.json().getJsonObject("errors").getString("comment")).contains("Already decided").contains("SEC-012");
    Response lateForm = submitEdits("U0ALICE", id, Map.of("quantity", "30"));
    assertThat(lateForm.json().getJsonObject("errors").getString("edit:quantity")).contains("SEC-012");
    JsonObject a = get(id);
    assertThat(a.getString("decided_by")).isEqualTo("bob");
    assertThat(a.getValue("overrides")).isNull();
  }

  @Test
  void discordApproveWithChangesAnswersWithThePolicysModalAndItsSubmissionApprovesWithTheEdits() {
    String id = create("CEDIT");
    String customId = "hitl:approve_edits:" + id;
    Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordClick(ALICE_DISCORD, customId, "42", "9001").encode());
    assertThat(r.json().getInteger("type")).as(r.body()).isEqualTo(9);
    JsonObject data = r.json().getJsonObject("data");
    assertThat(data.getString("custom_id")).isEqualTo(customId);
    List<JsonObject> inputs = data.getJsonArray("components").stream()
      .map(row -> ((JsonObject) row).getJsonArray("components").getJsonObject(0)).collect(Collectors.toList());
    assertThat(inputs).extracting(i -> i.getString("custom_id")).containsExactly("quantity", "price", "tif");
    assertThat(inputs.get(0).getString("value")).isEqualTo("100");
    assertThat(inputs.get(0).getString("placeholder")).contains("may only be reduced");

    Response refused = discordSubmit(ALICE_DISCORD, customId, Map.of("quantity", "150"));
    assertThat(refused.json().getInteger("type")).isEqualTo(4);
    assertThat(refused.json().getJsonObject("data").getInteger("flags")).isEqualTo(64);
    assertThat(refused.json().getJsonObject("data").getString("content")).contains("quantity").contains("may only be reduced");
    assertThat(get(id).getString("status")).isEqualTo("pending");

    Response approved = discordSubmit(ALICE_DISCORD, customId, Map.of("quantity", "40", "price", "2850.5", "tif", ""));
    assertThat(approved.json().getInteger("type")).as(approved.body()).isEqualTo(7);
    JsonObject embed = approved.json().getJsonObject("data").getJsonArray("embeds").getJsonObject(0);
    assertThat(embed.getString("description")).contains("Changed: quantity: 100 → 40");
    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("approved");
    assertThat(a.getString("decision_channel")).isEqualTo("discord");
    assertThat(a.getJsonObject("overrides").getJsonObject("diff").fieldNames()).containsExactly("quantity");

    Response late = discordSubmit(ALICE_DISCORD, customId, Map.of("quantity", "30"));
    assertThat(late.json().getInteger("type")).isEqualTo(4);
    assertThat(late.json().getJsonObject("data").getString("content")).contains("Already decided").contains("SEC-012");
    assertThat(get(id).getJsonObject("overrides").getJsonObject("diff").getJsonObject("quantity").getString("to"))
      .isEqualTo("40");
  }

  @Test
  void personaAcknowledgementButtonsTickTheirBoxThroughTheAcknowledgePathAndApproveSaysWhatIsMissing() {
    String id = create("CACK");
    Call post = posted(id);
    List<JsonObject> buttons = buttons(post);
    assertThat(buttons).extracting(b -> b.getString("action_id")).contains("hitl_ack_0", "hitl_ack_1");
    JsonObject approve = buttons.stream().filter(b -> "hitl_approve".equals(b.getString("action_id"))).findFirst()
      .orElseThrow();
    assertThat(approve.getJsonObject("text").getString("text"))
      .isEqualTo("⏳ Approve — needs acknowledgement: risk, compliance");
    assertThat(text(post)).contains("⬜ risk").contains("⬜ compliance");

    String aliceUrl = "/slack/response/" + UUID.randomUUID();
    slackClick("U0ALICE", "hitl_ack_0", id, aliceUrl);
    Call told = fake.await("POST", aliceUrl, c -> true, 1, WAIT).get(0);
    assertThat(told.json().getString("text")).contains("Acknowledged as risk").contains("Still needed before approval: compliance");
    assertThat(entries(id, "acknowledged")).singleElement().satisfies(e -> {
      assertThat(e.getString("actor")).isEqualTo("alice");
      assertThat(e.getJsonObject("payload").getString("channel")).isEqualTo("slack");
    });
    Call update = fake.await("POST", "/api/chat.update", c -> c.body().contains(id) && c.body().contains("✅ risk"), 1,
      WAIT).get(0);
    assertThat(buttons(update)).extracting(b -> b.getString("action_id")).contains("hitl_ack_1")
      .doesNotContain("hitl_ack_0");

    String carolUrl = "/slack/response/" + UUID.randomUUID();
    slackClick("U0CAROL", "hitl_ack_0", id, carolUrl);
    assertThat(fake.await("POST", carolUrl, c -> true, 1, WAIT).get(0).json().getString("text")).contains("SEC-090");
    String approveUrl = "/slack/response/" + UUID.randomUUID();
    slackClick("U0ALICE", "hitl_approve", id, approveUrl);
    assertThat(fake.await("POST", approveUrl, c -> true, 1, WAIT).get(0).json().getString("text")).contains("compliance");
    assertThat(get(id).getString("status")).isEqualTo("pending");

    Response ticked = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordClick(CAROL_DISCORD, "hitl:ack:" + id + ":1", "42", "9001").encode());
    assertThat(ticked.json().getInteger("type")).isEqualTo(4);
    assertThat(ticked.json().getJsonObject("data").getString("content")).contains("Acknowledged as compliance")
      .contains("Every acknowledgement is in");
    JsonObject checklist = get(id).getJsonObject("acknowledgements");
    assertThat(checklist.getJsonArray("missing")).isEmpty();
    Call all = fake.await("POST", "/api/chat.update", c -> c.body().contains(id) && c.body().contains("✅ compliance"), 1,
      WAIT).get(0);
    assertThat(buttons(all)).extracting(b -> b.getString("action_id")).doesNotContain("hitl_ack_0", "hitl_ack_1");
    assertThat(buttons(all)).filteredOn(b -> "hitl_approve".equals(b.getString("action_id")))
      .singleElement().satisfies(b -> assertThat(b.getJsonObject("text").getString("text")).isEqualTo("✅ Approve"));
  }

  @Test
  void aRoleOnlyPersonaIsTickedFromSlackByAnOperatorHoldingThatRoleInHitlChatRolesAndByNoOtherChatUser() {
    String id = create("CRACK");
    posted(id);
    String carolUrl = "/slack/response/" + UUID.randomUUID();
    slackClick("U0CAROL", "hitl_ack_0", id, carolUrl);
    assertThat(fake.await("POST", carolUrl, c -> true, 1, WAIT).get(0).json().getString("text"))
      .as("carol holds desk, not risk").contains("SEC-090").contains("Nothing was decided");
    String aliceUrl = "/slack/response/" + UUID.randomUUID();
    slackClick("U0ALICE", "hitl_ack_0", id, aliceUrl);
    assertThat(fake.await("POST", aliceUrl, c -> true, 1, WAIT).get(0).json().getString("text"))
      .as("alice has no chat roles").contains("SEC-090");
    assertThat(entries(id, "acknowledged")).isEmpty();
    assertThat(get(id).getJsonObject("acknowledgements").getJsonArray("missing")).containsExactly("risk");

    String daveUrl = "/slack/response/" + UUID.randomUUID();
    slackClick("U0DAVE", "hitl_ack_0", id, daveUrl);
    assertThat(fake.await("POST", daveUrl, c -> true, 1, WAIT).get(0).json().getString("text"))
      .contains("Acknowledged as risk").contains("Every acknowledgement is in");
    assertThat(entries(id, "acknowledged")).singleElement().satisfies(e -> {
      assertThat(e.getString("actor")).isEqualTo("dave");
      assertThat(e.getJsonObject("payload").getString("channel")).isEqualTo("slack");
    });
    assertThat(get(id).getJsonObject("acknowledgements").getJsonArray("missing")).isEmpty();
  }

  @Test
  void aQuorumWhoseApproversAreNamedOnlyByRoleCountsChatVotesOfOperatorsHoldingThatRole() {
    String id = create("CRPAIR");
    posted(id);
    Response carol = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordClick(CAROL_DISCORD, "hitl:approve:" + id, "42", "9001").encode());
    assertThat(carol.json().getJsonObject("data").getString("content")).contains("SEC-090");
    assertThat(get(id).getJsonArray("votes")).isEmpty();

    Response dave = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordClick(DAVE_DISCORD, "hitl:approve:" + id, "42", "9001").encode());
    assertThat(dave.json().getJsonObject("data").getString("content")).as(dave.body()).contains("is counted");
    JsonObject counted = get(id);
    assertThat(counted.getString("status")).isEqualTo("pending");
    assertThat(counted.getJsonArray("votes")).singleElement().satisfies(v -> {
      assertThat(((JsonObject) v).getString("approver")).isEqualTo("dave");
      assertThat(((JsonObject) v).getString("channel")).isEqualTo("discord");
    });

    slackClick("U0ERIN", "hitl_approve", id, "/slack/response/" + UUID.randomUUID());
    JsonObject decided = Poll.until(() -> get(id), a -> !"pending".equals(a.getString("status")), WAIT, id + " decided");
    assertThat(decided.getString("status")).isEqualTo("approved");
    assertThat(decided.getString("decided_by")).isEqualTo("erin");
    assertThat(decided.getJsonArray("votes").stream().map(v -> ((JsonObject) v).getString("approver")))
      .containsExactlyInAnyOrder("dave", "erin");
  }

  @Test
  void theMessageShowsQuorumProgressAndUpdatesItInPlaceAfterEveryVote() {
    String id = create("CPAIR");
    assertThat(text(posted(id))).contains("0 of 2 approvals — needs 2 more from risk or alice or bob");
    slackClick("U0ALICE", "hitl_approve", id, "/slack/response/" + UUID.randomUUID());
    Call update = fake.await("POST", "/api/chat.update", c -> c.body().contains(id)
      && c.body().contains("1 of 2 approvals"), 1, WAIT).get(0);
    assertThat(text(update)).contains("1 of 2 approvals — needs 1 more from risk or alice or bob (approved: alice)");
    assertThat(update.json().getString("ts")).as("the posted message is edited").isNotNull();
    assertThat(fake.calls("POST", "/api/chat.postMessage", c -> c.body().contains(id))).hasSize(1);
  }

  @Test
  void aRejectedRequestOffersReRequestToItsSubmittersDeskAndRefusesOthers() {
    String id = create("CRR");
    // the pending message first, so the rejection edits it rather than being posted in its place
    posted(id);
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/reject", bob, new JsonObject().put("reason", "no"))
      .status()).isEqualTo(200);
    Call rejected = fake.await("POST", "/api/chat.update", c -> c.body().contains(id) && c.body().contains("REJECTED"), 1,
      WAIT).get(0);
    assertThat(buttons(rejected)).extracting(b -> b.getString("action_id")).containsExactly("hitl_rerequest");

    String aliceUrl = "/slack/response/" + UUID.randomUUID();
    slackClick("U0ALICE", "hitl_rerequest", id, aliceUrl);
    assertThat(fake.await("POST", aliceUrl, c -> true, 1, WAIT).get(0).json().getString("text"))
      .contains("Only the requester").contains("SEC-002");

    String deskUrl = "/slack/response/" + UUID.randomUUID();
    slackClick("U0DESK", "hitl_rerequest", id, deskUrl);
    String said = fake.await("POST", deskUrl, c -> true, 1, WAIT).get(0).json().getString("text");
    assertThat(said).contains("asked again as request");
    List<JsonObject> again = entries(id, "re_requested");
    assertThat(again).singleElement().satisfies(e -> assertThat(e.getString("actor")).isEqualTo("engine-1"));
    String fresh = again.get(0).getJsonObject("payload").getString("new_request_id");
    assertThat(said).contains(fresh);
    assertThat(get(fresh).getString("status")).isEqualTo("pending");
    assertThat(posted(fresh).body()).contains("Approval Required");
  }

  static Response submitEdits(String user, String id, Map<String, String> values) {
    JsonObject state = new JsonObject();
    values.forEach((k, v) -> state.put("edit:" + k, new JsonObject().put("value",
      new JsonObject().put("type", "number_input").put("value", v))));
    return SignedCalls.slack(gw.port(), SECRET, now(), SignedCalls.form(submission(user, "hitl_edit_modal", id, state)));
  }

  static Response submitReview(String user, String metadata, String comment) {
    return SignedCalls.slack(gw.port(), SECRET, now(), SignedCalls.form(review(user, metadata, comment)));
  }

  static JsonObject review(String user, String metadata, String comment) {
    JsonObject state = new JsonObject().put("comment", new JsonObject().put("comment",
      new JsonObject().put("type", "plain_text_input").put("value", comment.isEmpty() ? null : comment)));
    return submission(user, "hitl_edit_review", metadata, state);
  }

  static JsonObject submission(String user, String callbackId, String metadata, JsonObject values) {
    return new JsonObject()
      .put("type", "view_submission")
      .put("user", new JsonObject().put("id", user).put("username", "user-" + user).put("team_id", "T0TEAM"))
      .put("team", new JsonObject().put("id", "T0TEAM"))
      .put("api_app_id", "A0APP")
      .put("trigger_id", "4.5.6")
      .put("view", new JsonObject().put("id", "V0VIEW").put("type", "modal").put("callback_id", callbackId)
        .put("private_metadata", metadata).put("state", new JsonObject().put("values", values)));
  }

  static Response discordSubmit(String user, String customId, Map<String, String> values) {
    JsonArray rows = new JsonArray();
    values.forEach((k, v) -> rows.add(new JsonObject().put("type", 1).put("components", new JsonArray()
      .add(new JsonObject().put("type", 4).put("custom_id", k).put("value", v)))));
    JsonObject body = SignedCalls.discordModalSubmit(user, customId, "", "tok-" + UUID.randomUUID());
    body.getJsonObject("data").put("components", rows);
    return SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), body.encode());
  }

  static void slackClick(String user, String actionId, String id, String responsePath) {
    Response r = SignedCalls.slack(gw.port(), SECRET, now(), SignedCalls.form(SignedCalls.slackClick(user, actionId, id,
      fake.url() + responsePath, "C0APPROVALS", "1700000000.000001")));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static Call posted(String id) {
    return fake.await("POST", "/api/chat.postMessage", c -> c.body().contains(id), 1, WAIT).get(0);
  }

  static JsonObject block(JsonObject view, String blockId) {
    return view.getJsonArray("blocks").stream().map(o -> (JsonObject) o).filter(b -> blockId.equals(b.getString("block_id")))
      .findFirst().orElseThrow(() -> new AssertionError("no block " + blockId + " in " + view.encode()));
  }

  static List<JsonObject> buttons(Call post) {
    JsonArray blocks = post.json().getJsonArray("blocks");
    return blocks.stream().map(o -> (JsonObject) o).filter(b -> "actions".equals(b.getString("type")))
      .flatMap(b -> b.getJsonArray("elements").stream().map(o -> (JsonObject) o)).collect(Collectors.toList());
  }

  /** Every mrkdwn text of a message's blocks, one per line. */
  static String text(Call post) {
    List<String> out = new ArrayList<>();
    post.json().getJsonArray("blocks").forEach(o -> collect(o, out));
    return String.join("\n", out);
  }

  private static void collect(Object o, List<String> out) {
    if (o instanceof JsonObject j) {
      if ("mrkdwn".equals(j.getString("type")) && j.getString("text") != null) {
        out.add(j.getString("text"));
      }
      j.forEach(e -> collect(e.getValue(), out));
    } else if (o instanceof JsonArray a) {
      a.forEach(x -> collect(x, out));
    }
  }

  static List<JsonObject> entries(String id, String action) {
    List<JsonObject> out = new ArrayList<>();
    gw.call("GET", "/api/v1/audit?approval_id=" + id + "&limit=1000", admin, null).json().getJsonArray("entries")
      .forEach(e -> {
        if (action.equals(((JsonObject) e).getString("action"))) {
          out.add((JsonObject) e);
        }
      });
    return out;
  }

  static String create(String ticker) {
    gw.quote(ticker, "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static JsonObject get(String id) {
    return Poll.until(() -> gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json(), v -> v != null, WAIT,
      "the request");
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }
}
