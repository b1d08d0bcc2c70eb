package io.harbormaster.api.aws;

import static io.harbormaster.testing.Json.JSON;
import static io.harbormaster.testing.Json.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.HttpEntity;
import org.junit.jupiter.api.Test;

/**
 * Each wire protocol reads what the real clients send (requests captured from the AWS CLI v2 and
 * v1, see resources/aws-protocols/README.md) into the operation and its input in the JSON form
 * handlers see, and writes answers and failures the way those protocols' clients read them.
 */
class WireProtocolTest {
  private static final AwsApiModel ELBV2 =
      AwsApiModel.load("/aws/elasticloadbalancing-service-2.json");
  private static final AwsApiModel CLOUDWATCH = AwsApiModel.load("/aws/monitoring-service-2.json");
  private static final AwsApiModel LOGS = AwsApiModel.load("/aws/logs-service-2.json");
  private static final AwsApiModel SCHEDULER = AwsApiModel.load("/aws/scheduler-service-2.json");
  private static final AwsApiModel IAM = AwsApiModel.load("/aws/iam-service-2.json");
  private static final List<Captured> CAPTURED = captured();

  /** Numbers compare by value: 5 read from a form equals 5 written in a test. */
  private static final Comparator<JsonNode> BY_VALUE =
      (a, b) ->
          a.isNumber() && b.isNumber()
              ? a.decimalValue().compareTo(b.decimalValue())
              : a.equals(b) ? 0 : 1;

  record Captured(HttpRequest request, byte[] body, String contentType) {}

  private static List<Captured> captured() {
    List<Captured> all = new ArrayList<>();
    try (InputStream in =
        WireProtocolTest.class.getResourceAsStream("/aws-protocols/captured-requests.jsonl")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        JsonNode r = JSON.readTree(line);
        HttpRequest request =
            HttpRequest.create(r.get("path").asText())
                .withMethod(HttpMethods.lookup(r.get("method").asText()).orElseThrow());
        String contentType = "";
        for (JsonNode h : r.get("headers")) {
          String name = h.get(0).asText();
          if (name.equalsIgnoreCase("Content-Type")) contentType = h.get(1).asText();
          else if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Host")) {
            request = request.addHeader(RawHeader.create(name, h.get(1).asText()));
          }
        }
        all.add(
            new Captured(
                request, Base64.getDecoder().decode(r.get("body_b64").asText()), contentType));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return all;
  }

  private static WireProtocol.Decoded decode(AwsApiModel model, Captured c) {
    WireProtocol protocol = WireProtocol.of(model, c.request(), c.contentType());
    return protocol.decode(model, c.request(), c.body());
  }

  private static void assertInput(String expected, JsonNode actual) {
    assertTrue(json(expected).equals(BY_VALUE, actual), "expected " + expected + ", got " + actual);
  }

  @Test
  void queryFormsBecomeTheInputShapeWithListsNumbersAndStructures() {
    var describe = decode(ELBV2, CAPTURED.get(0));
    assertEquals("DescribeTargetGroups", describe.operation());
    assertInput("{\"Names\":[\"a\",\"b\"],\"PageSize\":5}", describe.input());

    var register = decode(ELBV2, CAPTURED.get(1));
    assertEquals("RegisterTargets", register.operation());
    assertInput(
        "{\"TargetGroupArn\":\"arn:tg\",\"Targets\":[{\"Id\":\"i-1\",\"Port\":80},{\"Id\":\"i-2\"}]}",
        register.input());
    ELBV2.validateInput("RegisterTargets", register.input());

    var attributes = decode(ELBV2, CAPTURED.get(2));
    assertInput(
        "{\"TargetGroupArn\":\"arn:tg\",\"Attributes\":[{\"Key\":\"deregistration_delay.timeout_seconds\",\"Value\":\"5\"}]}",
        attributes.input());

    var user = decode(IAM, CAPTURED.get(8));
    assertEquals("CreateUser", user.operation());
    assertInput(
        "{\"UserName\":\"alice\",\"Tags\":[{\"Key\":\"team\",\"Value\":\"a\"}]}", user.input());
  }

  @Test
  void oneCloudWatchCallReadsTheSameInQueryAndJson() {
    WireProtocol.Decoded query = decode(CLOUDWATCH, CAPTURED.get(4));
    WireProtocol.Decoded json = decode(CLOUDWATCH, CAPTURED.get(5));
    assertInstanceOf(
        AwsQueryProtocol.class,
        WireProtocol.of(
            CLOUDWATCH, CAPTURED.get(4).request(), "application/x-www-form-urlencoded"));
    assertEquals(
        AwsJsonProtocol.JSON_1_0, WireProtocol.of(CLOUDWATCH, CAPTURED.get(5).request(), ""));
    assertEquals("GetMetricStatistics", query.operation());
    assertEquals("GetMetricStatistics", json.operation());
    // The query form's ISO 8601 times become epoch seconds, as the JSON client sent them.
    assertTrue(json.input().equals(BY_VALUE, query.input()), query.input() + " vs " + json.input());
    CLOUDWATCH.validateInput("GetMetricStatistics", query.input());
  }

  @Test
  void jsonTargetsNameTheOperation() {
    var events = decode(LOGS, CAPTURED.get(3));
    assertEquals("GetLogEvents", events.operation());
    assertInput(
        "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"startTime\":1700000000000,\"startFromHead\":true}",
        events.input());
  }

  @Test
  void restJsonFindsTheOperationByPathAndReadsLabelsAndQueryMembers() {
    var get = decode(SCHEDULER, CAPTURED.get(6));
    assertEquals("GetSchedule", get.operation());
    assertInput("{\"Name\":\"nightly\",\"GroupName\":\"g1\"}", get.input());

    var list = decode(SCHEDULER, CAPTURED.get(7));
    assertEquals("ListSchedules", list.operation());
    assertInput("{\"NamePrefix\":\"n\",\"MaxResults\":5}", list.input());

    HttpRequest unknown = HttpRequest.create("/nothing/here");
    var failure =
        assertThrows(
            AwsServiceException.class,
            () -> RestJsonProtocol.INSTANCE.decode(SCHEDULER, unknown, new byte[0]));
    assertEquals(404, failure.httpStatus());
  }

  @Test
  void queryAnswersAreXmlWithTheModelsElementNames() {
    JsonNode output =
        json(
            "{\"TargetHealthDescriptions\":[{\"Target\":{\"Id\":\"i-1\",\"Port\":80},"
                + "\"TargetHealth\":{\"State\":\"healthy\"}}]}");
    HttpResponse response =
        AwsQueryProtocol.INSTANCE.success(
            ELBV2, ELBV2.operation("DescribeTargetHealth").orElseThrow(), output, "req-1");
    String xml = body(response);
    assertEquals(200, response.status().intValue());
    assertTrue(
        xml.startsWith(
            "<DescribeTargetHealthResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">"
                + "<DescribeTargetHealthResult><TargetHealthDescriptions><member><Target><Id>i-1</Id><Port>80</Port></Target>"
                + "<TargetHealth><State>healthy</State></TargetHealth></member></TargetHealthDescriptions>"
                + "</DescribeTargetHealthResult><ResponseMetadata><RequestId>req-1</RequestId>"),
        xml);

    HttpResponse error =
        AwsQueryProtocol.INSTANCE.failure(
            ELBV2,
            AwsServiceException.badRequest(
                "TargetGroupNotFound", "One or more target groups not found"),
            "req-2");
    assertEquals(400, error.status().intValue());
    assertTrue(
        body(error)
            .contains(
                "<Error><Type>Sender</Type><Code>TargetGroupNotFound</Code><Message>One or more target groups not found</Message></Error><RequestId>req-2</RequestId>"),
        body(error));
  }

  @Test
  void queryTimestampsAreIso8601() {
    JsonNode output =
        json(
            "{\"User\":{\"Path\":\"/\",\"UserName\":\"alice\",\"UserId\":\"AIDA1\",\"Arn\":\"arn:aws:iam::1:user/alice\",\"CreateDate\":1796637600.5}}");
    String xml =
        body(
            AwsQueryProtocol.INSTANCE.success(
                IAM, IAM.operation("CreateUser").orElseThrow(), output, "r"));
    assertTrue(xml.contains("<CreateDate>2026-12-07T10:00:00.500Z</CreateDate>"), xml);
  }

  @Test
  void cborCarriesTimestampsAsTaggedEpochSecondsBothWays() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (CBORGenerator cbor = new CBORFactory().createGenerator(bytes)) {
      cbor.writeStartObject();
      cbor.writeStringField("Namespace", "AWS/ECS");
      cbor.writeStringField("MetricName", "CPUUtilization");
      cbor.writeFieldName("StartTime");
      cbor.writeTag(1);
      cbor.writeNumber(1796637600);
      cbor.writeFieldName("EndTime");
      cbor.writeTag(1);
      cbor.writeNumber(1796641200.0);
      cbor.writeNumberField("Period", 60);
      cbor.writeEndObject();
    }
    HttpRequest request =
        HttpRequest.POST("/service/GraniteServiceVersion20100801/operation/GetMetricStatistics")
            .addHeader(RawHeader.create("smithy-protocol", "rpc-v2-cbor"));
    WireProtocol protocol = WireProtocol.of(CLOUDWATCH, request, "application/cbor");
    assertEquals(RpcV2CborProtocol.INSTANCE, protocol);
    var decoded = protocol.decode(CLOUDWATCH, request, bytes.toByteArray());
    assertEquals("GetMetricStatistics", decoded.operation());
    assertInput(
        "{\"Namespace\":\"AWS/ECS\",\"MetricName\":\"CPUUtilization\",\"StartTime\":1796637600,\"EndTime\":1796641200,\"Period\":60}",
        decoded.input());

    HttpResponse response =
        protocol.success(
            CLOUDWATCH,
            CLOUDWATCH.operation("GetMetricStatistics").orElseThrow(),
            json(
                "{\"Label\":\"CPUUtilization\",\"Datapoints\":[{\"Timestamp\":1796637600,\"Average\":12.5}]}"),
            "r");
    byte[] cbor = rawBody(response);
    try (CBORParser parser = new CBORFactory().createParser(cbor)) {
      boolean tagged = false;
      while (parser.nextToken() != null) {
        if ("Timestamp".equals(parser.currentName()) && parser.currentToken().isNumeric()) {
          tagged = parser.getCurrentTag() == 1;
        }
      }
      assertTrue(tagged, "Timestamp must be CBOR tag 1");
    }
    assertInput(
        "{\"Label\":\"CPUUtilization\",\"Datapoints\":[{\"Timestamp\":1796637600,\"Average\":12.5}]}",
        new CBORMapper().readTree(cbor));
    assertEquals("rpc-v2-cbor", response.getHeader("smithy-protocol").orElseThrow().value());
  }

  @Test
  void queryCompatibleJsonFailuresCarryTheQueryCode() {
    HttpResponse response =
        AwsJsonProtocol.JSON_1_0.failure(
            CLOUDWATCH, AwsServiceException.badRequest("InvalidParameterValue", "bad period"), "r");
    assertEquals(
        "InvalidParameterValue;Sender",
        response.getHeader("x-amzn-query-error").orElseThrow().value());
    assertInput(
        "{\"__type\":\"InvalidParameterValue\",\"message\":\"bad period\"}", json(body(response)));
  }

  @Test
  void aFormValueOfTheWrongTypeIsRefusedByValidation() {
    HttpRequest request = HttpRequest.POST("/");
    var decoded =
        AwsQueryProtocol.INSTANCE.decode(
            ELBV2,
            request,
            "Action=DescribeTargetGroups&PageSize=many".getBytes(StandardCharsets.UTF_8));
    var refused =
        assertThrows(
            AwsApiModel.InvalidRequest.class,
            () -> ELBV2.validateInput(decoded.operation(), decoded.input()));
    assertEquals(AwsApiModel.InvalidRequest.Kind.SERIALIZATION, refused.kind());
    var unknown =
        assertThrows(
            AwsServiceException.class,
            () ->
                AwsQueryProtocol.INSTANCE.decode(
                    ELBV2, request, "Action=Launch".getBytes(StandardCharsets.UTF_8)));
    assertEquals("InvalidAction", unknown.code());
  }

  private static byte[] rawBody(HttpResponse response) {
    return ((HttpEntity.Strict) response.entity()).getData().toArray();
  }

  private static String body(HttpResponse response) {
    return new String(rawBody(response), StandardCharsets.UTF_8);
  }
}
