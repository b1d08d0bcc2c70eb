package io.harbormaster.events.pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventPatternTest {

  /**
   * Single quotes keep short inline JSON readable; the documentation's examples below stay
   * verbatim.
   */
  private static String q(String json) {
    return json.replace('\'', '"');
  }

  private static boolean matches(String pattern, String event) {
    return EventPattern.parse(q(pattern)).matches(q(event));
  }

  private static void assertMatches(String pattern, String event) {
    assertTrue(matches(pattern, event), () -> q(pattern) + " should match " + q(event));
  }

  private static void assertNoMatch(String pattern, String event) {
    assertFalse(matches(pattern, event), () -> q(pattern) + " should not match " + q(event));
  }

  @Nested
  class ExactValues {

    @Test
    void stringsMatchCharacterByCharacter() {
      assertMatches("{'source':['aws.ecs']}", "{'source':'aws.ecs'}");
      assertNoMatch("{'source':['aws.ecs']}", "{'source':'AWS.ECS'}");
      assertNoMatch("{'source':['aws.ecs']}", "{'source':'aws.ecs '}");
      // A string never equals a number or a boolean with the same text.
      assertNoMatch("{'n':['5']}", "{'n':5}");
      assertNoMatch("{'b':['true']}", "{'b':true}");
    }

    @Test
    void valuesInAnArrayAreAlternativesAndFieldsMustAllMatch() {
      String pattern = "{'source':['aws.ec2','aws.fargate'],'region':['us-east-1']}";
      assertMatches(pattern, "{'source':'aws.fargate','region':'us-east-1','other':1}");
      assertNoMatch(pattern, "{'source':'aws.fargate','region':'eu-west-1'}");
      assertNoMatch(pattern, "{'source':'aws.fargate'}");
    }

    @Test
    void numbersMatchByTheirWrittenForm() {
      // "For numbers, EventBridge uses string representation. For example, 300, 300.0, and 3.0e2
      // are not
      // considered equal." (Event pattern syntax / Creating event patterns.)
      assertMatches("{'x':[300]}", "{'x':300}");
      assertNoMatch("{'x':[300]}", "{'x':300.0}");
      assertNoMatch("{'x':[300]}", "{'x':3.0e2}");
      assertNoMatch("{'x':[300.0]}", "{'x':3.0e2}");
      assertMatches("{'x':[300.0]}", "{'x':300.0}");
      assertMatches("{'x':[-1.25]}", "{'x':-1.25}");
      assertMatches("{'account':[123456789012]}", "{'account':123456789012}");
      // numeric "=" is the way to compare by value.
      assertMatches("{'x':[{'numeric':['=',300]}]}", "{'x':3.0e2}");
    }

    @Test
    void booleansNullAndEmptyStringAreDistinct() {
      assertMatches("{'b':[true]}", "{'b':true}");
      assertNoMatch("{'b':[true]}", "{'b':false}");
      assertMatches("{'v':[null]}", "{'v':null}");
      assertNoMatch("{'v':[null]}", "{'v':''}");
      assertNoMatch("{'v':[null]}", "{}");
      assertMatches("{'v':['']}", "{'v':''}");
      assertNoMatch("{'v':['']}", "{'v':null}");
    }
  }

  @Nested
  class Operators {

    @Test
    void prefix() {
      assertMatches("{'region':[{'prefix':'us-'}]}", "{'region':'us-east-1'}");
      assertNoMatch("{'region':[{'prefix':'us-'}]}", "{'region':'US-EAST-1'}");
      assertNoMatch("{'region':[{'prefix':'us-'}]}", "{'region':'eu-west-1'}");
      // Prefixes are for strings only.
      assertNoMatch("{'n':[{'prefix':'12'}]}", "{'n':123}");
      // An empty prefix accepts every string, still not other types or a missing field.
      assertMatches("{'s':[{'prefix':''}]}", "{'s':''}");
      assertNoMatch("{'s':[{'prefix':''}]}", "{'s':null}");
      assertNoMatch("{'s':[{'prefix':''}]}", "{}");
    }

    @Test
    void prefixIgnoringCase() {
      String pattern = "{'service':[{'prefix':{'equals-ignore-case':'EventB'}}]}";
      assertMatches(pattern, "{'service':'eventbridge'}");
      assertMatches(pattern, "{'service':'EVENTBRIDGE'}");
      assertNoMatch(pattern, "{'service':'event-bridge'}");
    }

    @Test
    void suffix() {
      assertMatches("{'FileName':[{'suffix':'.png'}]}", "{'FileName':'cat.png'}");
      assertMatches("{'FileName':[{'suffix':'.png'}]}", "{'FileName':'.png'}");
      assertNoMatch("{'FileName':[{'suffix':'.png'}]}", "{'FileName':'cat.PNG'}");
      assertNoMatch("{'FileName':[{'suffix':'.png'}]}", "{'FileName':'png'}");
      assertNoMatch("{'n':[{'suffix':'3'}]}", "{'n':123}");
    }

    @Test
    void suffixIgnoringCase() {
      String pattern = "{'FileName':[{'suffix':{'equals-ignore-case':'.png'}}]}";
      assertMatches(pattern, "{'FileName':'cat.PNG'}");
      assertMatches(pattern, "{'FileName':'cat.Png'}");
      assertNoMatch(pattern, "{'FileName':'cat.jpg'}");
    }

    @Test
    void equalsIgnoreCase() {
      assertMatches("{'Name':[{'equals-ignore-case':'alice'}]}", "{'Name':'Alice'}");
      assertMatches("{'Name':[{'equals-ignore-case':'alice'}]}", "{'Name':'ALICE'}");
      assertNoMatch("{'Name':[{'equals-ignore-case':'alice'}]}", "{'Name':'Alicia'}");
      assertNoMatch("{'Name':[{'equals-ignore-case':'true'}]}", "{'Name':true}");
    }

    @Test
    void wildcard() {
      assertMatches(
          "{'source':[{'wildcard':'Simple*Service'}]}", "{'source':'SimpleQueueService'}");
      assertMatches("{'source':[{'wildcard':'Simple*Service'}]}", "{'source':'SimpleService'}");
      assertNoMatch("{'source':[{'wildcard':'Simple*Service'}]}", "{'source':'SimpleServices'}");
      assertMatches("{'t':[{'wildcard':'*Title*'}]}", "{'t':'The Title Page'}");
      assertMatches("{'f':[{'wildcard':'dir/*.png'}]}", "{'f':'dir/sub/cat.png'}");
      assertNoMatch("{'f':[{'wildcard':'dir/*.png'}]}", "{'f':'other/cat.png'}");
      // \* is a literal star, \\ a literal backslash; regex characters mean nothing special.
      assertMatches("{'s':[{'wildcard':'a\\\\*b*'}]}", "{'s':'a*bc'}");
      assertNoMatch("{'s':[{'wildcard':'a\\\\*b*'}]}", "{'s':'axbc'}");
      assertMatches("{'s':[{'wildcard':'C:\\\\\\\\*'}]}", "{'s':'C:\\\\Windows'}");
      assertNoMatch("{'s':[{'wildcard':'a.c'}]}", "{'s':'abc'}");
      assertMatches("{'s':[{'wildcard':'a*'}]}", "{'s':'a\\nb'}");
      assertNoMatch("{'n':[{'wildcard':'1*'}]}", "{'n':12}");
    }

    @Test
    void anythingButAStringOrANumber() {
      assertMatches("{'state':[{'anything-but':'initializing'}]}", "{'state':'running'}");
      assertNoMatch("{'state':[{'anything-but':'initializing'}]}", "{'state':'initializing'}");
      // It needs a value to judge: a missing field does not match.
      assertNoMatch("{'state':[{'anything-but':'initializing'}]}", "{}");
      // A value of another type is "anything but" the string.
      assertMatches("{'state':[{'anything-but':'initializing'}]}", "{'state':5}");
      // A number is excluded by value, whatever its written form.
      assertNoMatch("{'x-limit':[{'anything-but':123}]}", "{'x-limit':123}");
      assertNoMatch("{'x-limit':[{'anything-but':123}]}", "{'x-limit':123.0}");
      assertMatches("{'x-limit':[{'anything-but':123}]}", "{'x-limit':124}");
      assertMatches("{'x-limit':[{'anything-but':123}]}", "{'x-limit':'123'}");
    }

    @Test
    void anythingButAList() {
      String strings = "{'state':[{'anything-but':['stopped','overloaded']}]}";
      assertMatches(strings, "{'state':'running'}");
      assertNoMatch(strings, "{'state':'stopped'}");
      assertNoMatch(strings, "{'state':'overloaded'}");
      String numbers = "{'x-limit':[{'anything-but':[100,200,300]}]}";
      assertMatches(numbers, "{'x-limit':150}");
      assertNoMatch(numbers, "{'x-limit':200}");
      assertNoMatch(numbers, "{'x-limit':3.0e2}");
      // Against an event array, some element must be outside the list.
      assertMatches(strings, "{'state':['stopped','running']}");
      assertNoMatch(strings, "{'state':['stopped','overloaded']}");
    }

    @Test
    void anythingButPrefixSuffixIgnoreCaseAndWildcard() {
      assertMatches("{'state':[{'anything-but':{'prefix':'init'}}]}", "{'state':'running'}");
      assertNoMatch("{'state':[{'anything-but':{'prefix':'init'}}]}", "{'state':'initializing'}");
      assertNoMatch(
          "{'state':[{'anything-but':{'prefix':['init','error']}}]}", "{'state':'error-x'}");
      assertMatches("{'state':[{'anything-but':{'prefix':['init','error']}}]}", "{'state':'ok'}");
      assertNoMatch("{'f':[{'anything-but':{'suffix':'.png'}}]}", "{'f':'cat.png'}");
      assertMatches("{'f':[{'anything-but':{'suffix':'.png'}}]}", "{'f':'cat.PNG'}");
      String ignoreCase =
          "{'state':[{'anything-but':{'equals-ignore-case':['Stopped','OverLoaded']}}]}";
      assertNoMatch(ignoreCase, "{'state':'STOPPED'}");
      assertNoMatch(ignoreCase, "{'state':'overloaded'}");
      assertMatches(ignoreCase, "{'state':'running'}");
      assertNoMatch("{'p':[{'anything-but':{'wildcard':'*/lib/*'}}]}", "{'p':'/usr/lib/x.so'}");
      assertMatches("{'p':[{'anything-but':{'wildcard':'*/lib/*'}}]}", "{'p':'/usr/bin/x'}");
    }

    @Test
    void numericSingleBounds() {
      assertMatches("{'n':[{'numeric':['>',0]}]}", "{'n':0.5}");
      assertNoMatch("{'n':[{'numeric':['>',0]}]}", "{'n':0}");
      assertMatches("{'n':[{'numeric':['>=',0]}]}", "{'n':0}");
      assertMatches("{'n':[{'numeric':['<',10]}]}", "{'n':-3}");
      assertNoMatch("{'n':[{'numeric':['<',10]}]}", "{'n':10}");
      assertMatches("{'n':[{'numeric':['<=',10]}]}", "{'n':10.0}");
      assertMatches("{'n':[{'numeric':['=',3.018e2]}]}", "{'n':301.8}");
      assertNoMatch("{'n':[{'numeric':['=',3.018e2]}]}", "{'n':301.80001}");
      // Only JSON numbers are compared; a numeric-looking string is not a number.
      assertNoMatch("{'n':[{'numeric':['>',0]}]}", "{'n':'5'}");
      assertNoMatch("{'n':[{'numeric':['>',0]}]}", "{}");
    }

    @Test
    void numericRangeWithBothBounds() {
      String openBelow = "{'c':[{'numeric':['>',0,'<=',5]}]}";
      assertNoMatch(openBelow, "{'c':0}");
      assertMatches(openBelow, "{'c':0.000001}");
      assertMatches(openBelow, "{'c':5}");
      assertNoMatch(openBelow, "{'c':5.000001}");
      String closedBelow = "{'c':[{'numeric':['>=',-1.5,'<',2]}]}";
      assertMatches(closedBelow, "{'c':-1.5}");
      assertMatches(closedBelow, "{'c':1.999}");
      assertNoMatch(closedBelow, "{'c':2}");
      // An event array matches if any element is in range.
      assertMatches(openBelow, "{'c':[9,3]}");
      assertNoMatch(openBelow, "{'c':[9,-3]}");
    }

    @Test
    void existsTrue() {
      String pattern = "{'detail':{'c-count':[{'exists':true}]}}";
      assertMatches(pattern, "{'detail':{'c-count':5}}");
      // A field holding null exists.
      assertMatches(pattern, "{'detail':{'c-count':null}}");
      assertMatches(pattern, "{'detail':{'c-count':[1]}}");
      assertNoMatch(pattern, "{'detail':{}}");
      assertNoMatch(pattern, "{}");
      // Exists looks at leaves: an object or an empty array has none.
      assertNoMatch(pattern, "{'detail':{'c-count':{'c1':100}}}");
      assertNoMatch(pattern, "{'detail':{'c-count':[]}}");
    }

    @Test
    void existsFalse() {
      String pattern = "{'detail':{'c-count':[{'exists':false}]}}";
      assertMatches(pattern, "{'detail':{'state':'x'}}");
      // Missing all the way up counts as missing.
      assertMatches(pattern, "{'source':'x'}");
      assertMatches(pattern, "{'detail':'not an object'}");
      // Present with null is present: exists false does not match it.
      assertNoMatch(pattern, "{'detail':{'c-count':null}}");
      assertNoMatch(pattern, "{'detail':{'c-count':0}}");
      assertMatches(pattern, "{'detail':{'c-count':{'c1':100}}}");
      assertMatches(pattern, "{'detail':{'c-count':[]}}");
    }

    @Test
    void cidr() {
      String v4 = "{'ip':[{'cidr':'10.0.0.0/24'}]}";
      assertMatches(v4, "{'ip':'10.0.0.0'}");
      assertMatches(v4, "{'ip':'10.0.0.255'}");
      assertNoMatch(v4, "{'ip':'10.0.1.0'}");
      assertNoMatch(v4, "{'ip':'not an address'}");
      // An IPv4-mapped IPv6 address is the IPv4 address it maps (java.net reads it so, as Event
      // Ruler does).
      assertMatches(v4, "{'ip':'::ffff:a00:1'}");
      assertNoMatch(v4, "{'ip':167772161}");
      assertMatches("{'ip':[{'cidr':'172.16.0.0/12'}]}", "{'ip':'172.31.68.200'}");
      assertNoMatch("{'ip':[{'cidr':'172.16.0.0/12'}]}", "{'ip':'172.32.0.1'}");
      // Bits past the prefix length are ignored, also in the block itself.
      assertMatches("{'ip':[{'cidr':'10.0.0.77/8'}]}", "{'ip':'10.200.3.4'}");
      assertMatches("{'ip':[{'cidr':'0.0.0.0/0'}]}", "{'ip':'8.8.8.8'}");
      String v6 = "{'ip':[{'cidr':'2001:db8::/32'}]}";
      assertMatches(v6, "{'ip':'2001:db8:1234::1'}");
      assertMatches(v6, "{'ip':'2001:DB8::'}");
      assertNoMatch(v6, "{'ip':'2001:db9::1'}");
      assertNoMatch(v6, "{'ip':'10.0.0.1'}");
    }

    @Test
    void or() {
      String pattern =
          "{'source':['aws.cloudwatch'],"
              + "'$or':[{'metricName':['CPUUtilization','ReadLatency']},{'namespace':['AWS/EC2','AWS/ES']}]}";
      assertMatches(pattern, "{'source':'aws.cloudwatch','metricName':'ReadLatency'}");
      assertMatches(pattern, "{'source':'aws.cloudwatch','namespace':'AWS/ES'}");
      assertNoMatch(pattern, "{'source':'aws.cloudwatch','metricName':'Other'}");
      assertNoMatch(pattern, "{'source':'aws.ec2','namespace':'AWS/EC2'}");
    }

    @Test
    void orWithAndInsideNestedAndInParallel() {
      // source && (metricName || (metricType && namespace && (metricId || spaceId)) || scope)
      String nested =
          "{'source':['aws.cloudwatch'],'$or':["
              + "{'metricName':['CPUUtilization']},"
              + "{'metricType':['MetricType'],'namespace':['AWS/EC2'],"
              + "'$or':[{'metricId':[1234]},{'spaceId':[1000]}]},"
              + "{'scope':['Service']}]}";
      assertMatches(
          nested,
          "{'source':'aws.cloudwatch','metricType':'MetricType','namespace':'AWS/EC2','spaceId':1000}");
      assertNoMatch(
          nested, "{'source':'aws.cloudwatch','metricType':'MetricType','namespace':'AWS/EC2'}");
      assertNoMatch(nested, "{'source':'aws.cloudwatch','metricType':'MetricType','spaceId':1000}");
      assertMatches(nested, "{'source':'aws.cloudwatch','scope':'Service'}");
      // ($or at the top) && ($or inside detail): the nested $or applies to the detail object.
      String parallel =
          "{'$or':[{'a':[1]},{'b':[2]}],'detail':{'$or':[{'c':[3]},{'d':[{'exists':false}]}]}}";
      assertMatches(parallel, "{'b':2,'detail':{'c':3,'d':4}}");
      assertMatches(parallel, "{'a':1,'detail':{}}");
      assertMatches(parallel, "{'a':1}");
      assertNoMatch(parallel, "{'a':1,'detail':{'c':0,'d':4}}");
      assertNoMatch(parallel, "{'c':3,'detail':{'c':3}}");
    }
  }

  @Nested
  class StructureAndArrays {

    @Test
    void nestedFieldsNeedTheSameNesting() {
      String pattern = "{'detail':{'state':{'status':['running']}}}";
      assertMatches(pattern, "{'detail':{'state':{'status':'running','since':1}}}");
      assertNoMatch(pattern, "{'detail':{'status':'running'}}");
      assertNoMatch(pattern, "{'detail':{'state':'running'}}");
      // A dotted key is a key, not a path.
      assertNoMatch(pattern, "{'detail':{'state.status':'running'}}");
      // A pattern leaf needs a leaf: an object at the field is not a value.
      assertNoMatch("{'detail':['x']}", "{'detail':{'x':1}}");
    }

    @Test
    void eventArraysMatchIfAnyElementMatches() {
      String pattern = "{'resources':['arn:b','arn:z']}";
      assertMatches(pattern, "{'resources':['arn:a','arn:b']}");
      assertNoMatch(pattern, "{'resources':['arn:a','arn:c']}");
      assertNoMatch(pattern, "{'resources':[]}");
      // Arrays of arrays are flattened.
      assertMatches(pattern, "{'resources':[['arn:a'],['arn:z']]}");
      assertMatches("{'tags':[{'prefix':'env:'}]}", "{'tags':['team:a','env:prod']}");
    }

    @Test
    void arraysOfObjectsMatchElementByElement() {
      String event =
          "{'employees':[{'firstName':'John','lastName':'Doe'},{'firstName':'Anna','lastName':'Smith'},"
              + "{'firstName':'Peter','lastName':'Jones'}]}";
      assertMatches("{'employees':{'firstName':['Anna']}}", event);
      assertMatches("{'employees':{'firstName':['Anna'],'lastName':['Smith']}}", event);
      // Fields from different elements do not combine into a match.
      assertNoMatch("{'employees':{'firstName':['Anna'],'lastName':['Jones']}}", event);
      String nested =
          "{'employees':[[{'firstName':'John'}],[{'firstName':'Peter','lastName':'Jones'}]]}";
      assertMatches("{'employees':{'firstName':['Peter'],'lastName':['Jones']}}", nested);
    }
  }

  /**
   * Patterns and events copied from the Amazon EventBridge User Guide; each test names its page.
   */
  @Nested
  class DocumentationExamples {

    // "Amazon EventBridge event patterns": the EC2 event and the instance-termination pattern.
    private static final String EC2_EVENT =
        """
        {
          "version": "0",
          "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
          "detail-type": "EC2 Instance State-change Notification",
          "source": "aws.ec2",
          "account": "111122223333",
          "time": "2017-12-22T18:43:48Z",
          "region": "us-west-1",
          "resources": [
            "arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"
          ],
          "detail": {
            "instance-id": "i-1234567890abcdef0",
            "state": "terminated"
          }
        }
        """;

    // "Matching null values and empty strings in Amazon EventBridge event patterns" (also "Field
    // matching" in
    // "Amazon EventBridge event patterns").
    private static final String AUTOSCALING_EVENT =
        """
        {
          "version": "0",
          "id": "3e3c153a-8339-4e30-8c35-687ebef853fe",
          "detail-type": "EC2 Instance Launch Successful",
          "source": "aws.autoscaling",
          "account": "123456789012",
          "time": "2015-11-11T21:31:47Z",
          "region": "us-east-1",
          "resources": [
           ],
          "detail": {
            "eventVersion": "",
            "responseElements": null
           }
        }
        """;

    private static boolean docMatch(String pattern, String event) {
      return EventPattern.parse(pattern).matches(event);
    }

    @Test
    void eventPatternsPage_instanceTermination() {
      String pattern =
          """
          {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Instance State-change Notification"],
            "detail": {
              "state": ["terminated"]
            }
          }
          """;
      assertTrue(docMatch(pattern, EC2_EVENT));
      assertFalse(docMatch(pattern, EC2_EVENT.replace("\"terminated\"", "\"running\"")));
      // "Match Values": "source" is either "aws.ec2" or "aws.fargate".
      assertTrue(
          docMatch(
              """
          {
              "source": ["aws.ec2", "aws.fargate"]
          }
          """,
              EC2_EVENT));
    }

    @Test
    void eventPatternsPage_fieldMatchingOnNull() {
      String pattern =
          """
          {
            "source": ["aws.autoscaling"],
            "detail-type": ["EC2 Instance Launch Successful"],
            "detail": {
             "responseElements": [null]
            }
          }
          """;
      assertTrue(docMatch(pattern, AUTOSCALING_EVENT));
    }

    @Test
    void eventPatternsPage_valueMatching() {
      // The Macie Classic event, which the page itself truncates; the JSON is closed after "risk".
      String event =
          """
          {
            "version": "0",
            "id": "3e355723-fca9-4de3-9fd7-154c289d6b59",
            "detail-type": "Macie Alert",
            "source": "aws.macie",
            "account": "123456789012",
            "time": "2017-04-24T22:28:49Z",
            "region": "us-east-1",
            "resources": [
              "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id",
              "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id"
            ],
            "detail": {
              "notification-type": "ALERT_CREATED",
              "name": "Scanning bucket policies",
              "tags": [
                "Custom_Alert",
                "Insider"
              ],
              "url": "https://lb00.us-east-1.macie.aws.amazon.com/111122223333/posts/alert_id",
              "alert-arn": "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_",
              "risk-score": 80,
              "trigger": {
                "rule-arn": "arn:aws:macie:us-east-1:123456789012:trigger/trigger_id",
                "alert-type": "basic",
                "created-at": "2017-01-02 19:54:00.644000",
                "risk": 8
              }
            }
          }
          """;
      String pattern =
          """
          {
            "source": ["aws.macie"],
            "detail-type": ["Macie Alert"],
            "detail": {
              "risk-score": [80],
              "trigger": {
                "risk": [8]
              }
            }
          }
          """;
      assertTrue(docMatch(pattern, event));
      assertFalse(docMatch(pattern, event.replace("\"risk\": 8", "\"risk\": 9")));
    }

    @Test
    void nullValuesAndEmptyStringsPage() {
      assertTrue(
          docMatch(
              """
          {
            "detail": {
               "eventVersion": [""]
            }
          }
          """,
              AUTOSCALING_EVENT));
      assertTrue(
          docMatch(
              """
          {
            "detail": {
               "responseElements": [null]
            }
          }
          """,
              AUTOSCALING_EVENT));
      // "Null values and empty strings are not interchangeable in pattern matching."
      assertFalse(docMatch("{\"detail\": {\"eventVersion\": [null]}}", AUTOSCALING_EVENT));
      assertFalse(docMatch("{\"detail\": {\"responseElements\": [\"\"]}}", AUTOSCALING_EVENT));
    }

    @Test
    void arraysPage() {
      // The page shows bare fields; they are wrapped in braces here, and the pattern's trailing
      // comma removed.
      String pattern =
          """
          {"resources": [
             "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
             "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
             "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"
          ]}
          """;
      String event =
          """
          {"resources": [
             "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate",
             "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f"
          ]}
          """;
      assertTrue(docMatch(pattern, event));
    }

    @Test
    void contentFilteringPage_prefixAndAnythingBut() {
      String prefix =
          """
          {
            "time": [ { "prefix": "2017-10-02" } ]
          }
          """;
      assertTrue(docMatch(prefix, "{\"time\": \"2017-10-02T18:43:48Z\"}"));
      assertFalse(docMatch(prefix, "{\"time\": \"2017-10-03T18:43:48Z\"}"));

      String notInitializing =
          """
          {
            "detail": {
              "state": [ { "anything-but": "initializing" } ]
            }
          }
          """;
      String not123 =
          """
          {
            "detail": {
              "x-limit": [ { "anything-but": 123 } ]
            }
          }
          """;
      String notStoppedOrOverloaded =
          """
          {
            "detail": {
              "state": [ { "anything-but": [ "stopped", "overloaded" ] } ]
            }
          }
          """;
      String notHundreds =
          """
          {
            "detail": {
              "x-limit": [ { "anything-but": [ 100, 200, 300 ] } ]
            }
          }
          """;
      String notInitPrefix =
          """
          {
            "detail": {
              "state": [ { "anything-but": { "prefix": "init" } } ]
            }
          }
          """;
      String running = "{\"detail\": {\"state\": \"running\", \"x-limit\": 301.8}}";
      String initializing = "{\"detail\": {\"state\": \"initializing\", \"x-limit\": 123}}";
      String stopped = "{\"detail\": {\"state\": \"stopped\", \"x-limit\": 200}}";
      for (String pattern :
          new String[] {
            notInitializing, not123, notStoppedOrOverloaded, notHundreds, notInitPrefix
          }) {
        assertTrue(docMatch(pattern, running), pattern);
      }
      assertFalse(docMatch(notInitializing, initializing));
      assertFalse(docMatch(not123, initializing));
      assertFalse(docMatch(notStoppedOrOverloaded, stopped));
      assertFalse(docMatch(notHundreds, stopped));
      assertFalse(docMatch(notInitPrefix, initializing));
      assertTrue(docMatch(notInitPrefix, stopped));
    }

    @Test
    void contentFilteringPage_numericAndIpAddress() {
      String numeric =
          """
          {
            "detail": {
              "c-count": [ { "numeric": [ ">", 0, "<=", 5 ] } ],
              "d-count": [ { "numeric": [ "<", 10 ] } ],
              "x-limit": [ { "numeric": [ "=", 3.018e2 ] } ]
            }
          }
          """;
      assertTrue(
          docMatch(numeric, "{\"detail\": {\"c-count\": 5, \"d-count\": 3, \"x-limit\": 301.8}}"));
      // "matches events that are true for all fields"
      assertFalse(
          docMatch(numeric, "{\"detail\": {\"c-count\": 6, \"d-count\": 3, \"x-limit\": 301.8}}"));
      assertFalse(docMatch(numeric, "{\"detail\": {\"c-count\": 5, \"d-count\": 3}}"));

      String ip =
          """
          {
            "detail": {
              "sourceIPAddress": [ { "cidr": "10.0.0.0/24" } ]
            }
          }
          """;
      assertTrue(docMatch(ip, "{\"detail\": {\"sourceIPAddress\": \"10.0.0.24\"}}"));
      assertFalse(docMatch(ip, "{\"detail\": {\"sourceIPAddress\": \"10.0.1.24\"}}"));
    }

    @Test
    void contentFilteringPage_existsTrue() {
      String pattern =
          """
          {
            "detail": {
              "state": [ { "exists": true  } ]
            }
          }
          """;
      String matching =
          """
          {
            "version": "0",
            "id": "7bf73129-1428-4cd3-a780-95db273d1602",
            "detail-type": "EC2 Instance State-change Notification",
            "source": "aws.ec2",
            "account": "123456789012",
            "time": "2015-11-11T21:29:54Z",
            "region": "us-east-1",
            "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
            "detail": {
              "instance-id": "i-abcd1111",
              "state": "pending"
            }
          }
          """;
      String notMatching =
          """
          {
            "detail-type": [ "EC2 Instance State-change Notification" ],
            "resources": [ "arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341" ],
            "detail": {
              "c-count" : {
                 "c1" : 100
              }
            }
          }
          """;
      assertTrue(docMatch(pattern, matching));
      assertFalse(docMatch(pattern, notMatching));
    }

    @Test
    void contentFilteringPage_existsFalse() {
      String pattern =
          """
          {
            "detail": {
              "c-count": [ { "exists": false  } ]
            }
          }
          """;
      String withoutCount =
          """
          {
            "detail-type": [ "EC2 Instance State-change Notification" ],
            "resources": [ "arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341" ],
            "detail": {
              "state": [ "initializing", "running" ]
            }
          }
          """;
      // "also matches ... because c-count isn't a leaf node". The page lacks the comma after the
      // "state" array.
      String countIsAnObject =
          """
          {
            "detail-type": [ "EC2 Instance State-change Notification" ],
            "resources": [ "arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341" ],
            "detail": {
              "state": [ "initializing", "running" ],
              "c-count" : {
                 "c1" : 100
              }
            }
          }
          """;
      assertTrue(docMatch(pattern, withoutCount));
      assertTrue(docMatch(pattern, countIsAnObject));
    }

    @Test
    void contentFilteringPage_complexExampleAndRepeatedKey() {
      String complex =
          """
          {
            "time": [ { "prefix": "2017-10-02" } ],
            "detail": {
              "state": [ { "anything-but": "initializing" } ],
              "c-count": [ { "numeric": [ ">", 0, "<=", 5 ] } ],
              "d-count": [ { "numeric": [ "<", 10 ] } ],
              "x-limit": [ { "anything-but": [ 100, 200, 300 ] } ]
            }
          }
          """;
      String event =
          """
          {"time": "2017-10-02T16:24:49Z",
           "detail": {"state": "running", "c-count": 5, "d-count": 3, "x-limit": 301.8}}
          """;
      assertTrue(docMatch(complex, event));
      assertFalse(docMatch(complex, event.replace("301.8", "300")));
      assertFalse(docMatch(complex, event.replace("2017-10-02", "2017-10-03")));

      // "if you include a key more than once the last reference will be the one used"
      String repeated =
          """
          {
            "detail": {
              "location": [ { "prefix": "us-" } ],
              "location": [ { "anything-but": "us-east" } ]
            }
          }
          """;
      assertTrue(docMatch(repeated, "{\"detail\": {\"location\": \"eu-west\"}}"));
      assertFalse(docMatch(repeated, "{\"detail\": {\"location\": \"us-east\"}}"));
    }

    @Test
    void comparisonOperatorsPage() {
      // Rule syntax column of the table, each wrapped in braces. The page's anything-but
      // ignore-case entry has
      // a doubled colon and a stray brace ("state": : [...]}); they are dropped here.
      assertTrue(
          docMatch(
              "{\"Location\": [ \"New York\" ], \"Day\": [\"Monday\"]}",
              "{\"Location\": \"New York\", \"Day\": \"Monday\"}"));
      assertFalse(
          docMatch(
              "{\"Location\": [ \"New York\" ], \"Day\": [\"Monday\"]}",
              "{\"Location\": \"New York\", \"Day\": \"Tuesday\"}"));
      assertTrue(
          docMatch(
              "{\"Region\": [ { \"anything-but\": {\"prefix\": \"us-\" } } ]}",
              "{\"Region\": \"eu-west-1\"}"));
      assertFalse(
          docMatch(
              "{\"Region\": [ { \"anything-but\": {\"prefix\": \"us-\" } } ]}",
              "{\"Region\": \"us-east-1\"}"));
      assertFalse(
          docMatch(
              "{\"FileName\": [ { \"anything-but\": { \"suffix\": \".png\" } } ]}",
              "{\"FileName\": \"a.png\"}"));
      assertFalse(
          docMatch(
              "{\"state\": [{ \"anything-but\": { \"equals-ignore-case\": \"initializing\" }}]}",
              "{\"state\": \"INITIALIZING\"}"));
      assertFalse(
          docMatch(
              "{\"FilePath\" : [{ \"anything-but\": { \"wildcard\": \"*/lib/*\" }}]}",
              "{\"FilePath\": \"/opt/lib/a.so\"}"));
      assertTrue(
          docMatch("{\"Region\": [ {\"prefix\": \"us-\" } ]}", "{\"Region\": \"us-west-2\"}"));
      assertTrue(
          docMatch(
              "{\"service\" : [{ \"prefix\": { \"equals-ignore-case\": \"eventb\" }}]}",
              "{\"service\": \"EventBridge\"}"));
      assertTrue(docMatch("{\"LastName\": [\"\"]}", "{\"LastName\": \"\"}"));
      assertTrue(docMatch("{\"Name\": [ \"Alice\" ]}", "{\"Name\": \"Alice\"}"));
      assertTrue(
          docMatch(
              "{\"Name\": [ { \"equals-ignore-case\": \"alice\" } ]}", "{\"Name\": \"Alice\"}"));
      assertTrue(
          docMatch("{\"FileName\": [ { \"suffix\": \".png\" } ]}", "{\"FileName\": \"a.png\"}"));
      assertTrue(
          docMatch(
              "{\"service\" : [{ \"suffix\": { \"equals-ignore-case\": \"tBridge\" }}]}",
              "{\"service\": \"EVENTBRIDGE\"}"));
    }
  }

  /**
   * Patterns against the ECS example events in src/test/resources/fixtures/eventbridge, copied from
   * shared/fixtures (see its PROVENANCE.md).
   */
  @Nested
  class Fixtures {

    private static final Path DIR =
        Path.of(System.getProperty("user.dir"))
            .resolve("src/test/resources/fixtures/eventbridge")
            .normalize();
    private static final String STOPPED = "ecs-task-state-change-stopped.json";
    private static final String RUNNING = "ecs-task-state-change.json";
    private static final String INSTANCE = "ecs-container-instance-state-change.json";
    private static final String STEADY = "ecs-service-action.json";
    private static final String PLACEMENT = "ecs-service-action-task-placement-failure.json";
    private static final String DEPLOYED = "ecs-deployment-state-change.json";
    private static final String DEPLOY_FAILED = "ecs-deployment-state-change-failed.json";

    private static Map<String, String> fixtures() {
      try (Stream<Path> files = Files.list(DIR)) {
        Map<String, String> byName = new TreeMap<>();
        files
            .filter(f -> f.toString().endsWith(".json"))
            .forEach(f -> byName.put(f.getFileName().toString(), read(f)));
        return byName;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static String read(Path file) {
      try {
        return Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static Set<String> matching(String pattern) {
      EventPattern parsed = EventPattern.parse(q(pattern));
      Set<String> names = new TreeSet<>();
      fixtures()
          .forEach(
              (name, event) -> {
                if (parsed.matches(event)) {
                  names.add(name);
                }
              });
      return names;
    }

    @Test
    void allSevenFixturesAreThere() {
      assertEquals(
          Set.of(STOPPED, RUNNING, INSTANCE, STEADY, PLACEMENT, DEPLOYED, DEPLOY_FAILED),
          fixtures().keySet());
      assertEquals(fixtures().keySet(), matching("{'source':['aws.ecs']}"));
    }

    @Test
    void stoppedTaskByStopCode() {
      String byStopCode =
          "{'source':['aws.ecs'],'detail-type':['ECS Task State Change'],"
              + "'detail':{'lastStatus':['STOPPED'],'stopCode':['%s']}}";
      // The stopped example was stopped by its user, so it says UserInitiated...
      assertEquals(Set.of(STOPPED), matching(byStopCode.formatted("UserInitiated")));
      // ...and no example has EssentialContainerExited.
      assertEquals(Set.of(), matching(byStopCode.formatted("EssentialContainerExited")));
      assertEquals(
          Set.of(STOPPED),
          matching(
              "{'detail-type':['ECS Task State Change'],'detail':{'stopCode':[{'exists':true}]}}"));
      assertEquals(
          Set.of(RUNNING),
          matching(
              "{'detail-type':['ECS Task State Change'],'detail':{'stopCode':[{'exists':false}]}}"));
    }

    @Test
    void containersArrayIsMatchedElementByElement() {
      assertEquals(
          Set.of(STOPPED),
          matching("{'detail':{'containers':{'lastStatus':['STOPPED'],'exitCode':[0]}}}"));
      // FargateApp is a container of the running example, STOPPED a status of the stopped one: no
      // single element.
      assertEquals(
          Set.of(),
          matching("{'detail':{'containers':{'name':['FargateApp'],'lastStatus':['STOPPED']}}}"));
      assertEquals(
          Set.of(RUNNING),
          matching(
              "{'detail':{'containers':{'networkInterfaces':{'privateIpv4Address':[{'cidr':'10.0.0.0/24'}]}}}}"));
      assertEquals(
          Set.of(STOPPED),
          matching("{'detail':{'attachments':{'details':{'value':[{'cidr':'172.16.0.0/12'}]}}}}"));
    }

    @Test
    void serviceAndDeploymentEvents() {
      assertEquals(
          Set.of(PLACEMENT),
          matching(
              "{'detail-type':['ECS Service Action'],'detail':{'eventName':['SERVICE_TASK_PLACEMENT_FAILURE'],"
                  + "'capacityProviderArns':[{'suffix':'/FARGATE_SPOT'}]}}"));
      assertEquals(
          Set.of(DEPLOY_FAILED),
          matching(
              "{'detail-type':[{'prefix':'ECS Deployment'}],'detail':{'eventType':[{'anything-but':'INFO'}]}}"));
      assertEquals(
          Set.of(STEADY, PLACEMENT, DEPLOYED, DEPLOY_FAILED),
          matching("{'resources':[{'wildcard':'arn:aws:ecs:*:service/default/*'}]}"));
      assertEquals(
          Set.of(PLACEMENT, DEPLOY_FAILED, STOPPED),
          matching(
              "{'$or':[{'detail':{'eventType':['ERROR']}},{'detail':{'lastStatus':['STOPPED']}}]}"));
    }

    @Test
    void detailVersionNumericRange() {
      // detail.version: 4 (running task), 9 (stopped task), 14801 (container instance).
      assertEquals(
          Set.of(STOPPED), matching("{'detail':{'version':[{'numeric':['>',5,'<=',100]}]}}"));
      assertEquals(
          Set.of(RUNNING, STOPPED, INSTANCE),
          matching("{'detail':{'version':[{'numeric':['>=',0]}]}}"));
      assertEquals(
          Set.of(INSTANCE), matching("{'detail':{'version':[14801],'agentConnected':[true]}}"));
    }
  }

  @Nested
  class InvalidPatterns {

    static Stream<Arguments> invalid() {
      return Stream.of(
          Arguments.of("not json", ""),
          Arguments.of("['source']", ""),
          Arguments.of("'aws.ecs'", ""),
          Arguments.of("{}", ""),
          Arguments.of("{'source':'aws.ecs'}", "source"),
          Arguments.of("{'detail':{'state':5}}", "detail.state"),
          Arguments.of("{'source':[]}", "source"),
          Arguments.of("{'detail':{}}", "detail"),
          Arguments.of("{'source':[['aws.ecs']]}", "source[0]"),
          Arguments.of("{'source':['a',{'prefx':'a'}]}", "source[1].prefx"),
          Arguments.of("{'source':[{'prefix':'a','suffix':'b'}]}", "source[0]"),
          Arguments.of("{'source':[{}]}", "source[0]"),
          Arguments.of("{'source':[{'prefix':5}]}", "source[0].prefix"),
          Arguments.of("{'source':[{'prefix':{'ignore-case':'a'}}]}", "source[0].prefix"),
          Arguments.of("{'source':[{'suffix':['a']}]}", "source[0].suffix"),
          Arguments.of(
              "{'source':[{'suffix':{'equals-ignore-case':1}}]}",
              "source[0].suffix.equals-ignore-case"),
          Arguments.of("{'source':[{'equals-ignore-case':null}]}", "source[0].equals-ignore-case"),
          Arguments.of("{'source':[{'wildcard':'a**b'}]}", "source[0].wildcard"),
          Arguments.of("{'source':[{'wildcard':'a\\\\b'}]}", "source[0].wildcard"),
          Arguments.of("{'source':[{'wildcard':'ab\\\\'}]}", "source[0].wildcard"),
          Arguments.of("{'x':[{'anything-but':true}]}", "x[0].anything-but"),
          Arguments.of("{'x':[{'anything-but':null}]}", "x[0].anything-but"),
          Arguments.of("{'x':[{'anything-but':['a',1]}]}", "x[0].anything-but[1]"),
          Arguments.of("{'x':[{'anything-but':[1,'a']}]}", "x[0].anything-but[1]"),
          Arguments.of("{'x':[{'anything-but':[]}]}", "x[0].anything-but"),
          Arguments.of("{'x':[{'anything-but':{'numeric':['>',1]}}]}", "x[0].anything-but.numeric"),
          Arguments.of("{'x':[{'anything-but':{'prefix':''}}]}", "x[0].anything-but.prefix"),
          Arguments.of("{'x':[{'anything-but':{'prefix':'a','suffix':'b'}}]}", "x[0].anything-but"),
          Arguments.of("{'x':[{'anything-but':{'prefix':[1]}}]}", "x[0].anything-but.prefix[0]"),
          Arguments.of("{'x':[{'anything-but':{'wildcard':'**'}}]}", "x[0].anything-but.wildcard"),
          Arguments.of("{'x':[{'numeric':5}]}", "x[0].numeric"),
          Arguments.of("{'x':[{'numeric':['>']}]}", "x[0].numeric"),
          Arguments.of("{'x':[{'numeric':['!=',5]}]}", "x[0].numeric[0]"),
          Arguments.of("{'x':[{'numeric':[5,'>']}]}", "x[0].numeric[0]"),
          Arguments.of("{'x':[{'numeric':['>','5']}]}", "x[0].numeric[1]"),
          Arguments.of("{'x':[{'numeric':['>',10,'<',5]}]}", "x[0].numeric"),
          Arguments.of("{'x':[{'numeric':['>=',5,'<=',5]}]}", "x[0].numeric"),
          Arguments.of("{'x':[{'numeric':['<',5,'>',1]}]}", "x[0].numeric[0]"),
          Arguments.of("{'x':[{'numeric':['>',1,'>',5]}]}", "x[0].numeric[2]"),
          Arguments.of("{'x':[{'numeric':['=',1,'<',5]}]}", "x[0].numeric[0]"),
          Arguments.of("{'x':[{'numeric':['>',1,'<',null]}]}", "x[0].numeric[3]"),
          Arguments.of("{'x':[{'numeric':['>',1,'<',5,'<',6]}]}", "x[0].numeric"),
          Arguments.of("{'x':[{'exists':'true'}]}", "x[0].exists"),
          Arguments.of("{'x':[{'cidr':'10.0.0.0'}]}", "x[0].cidr"),
          Arguments.of("{'x':[{'cidr':'10.0.0.0/33'}]}", "x[0].cidr"),
          Arguments.of("{'x':[{'cidr':'300.0.0.0/8'}]}", "x[0].cidr"),
          Arguments.of("{'x':[{'cidr':'2001:db8::/129'}]}", "x[0].cidr"),
          Arguments.of("{'x':[{'cidr':'example.com/8'}]}", "x[0].cidr"),
          Arguments.of("{'x':[{'cidr':10}]}", "x[0].cidr"),
          Arguments.of("{'$or':[{'a':['b']}]}", "$or"),
          Arguments.of("{'$or':{'a':['b']}}", "$or"),
          Arguments.of("{'$or':[{'a':['b']},'c']}", "$or[1]"),
          Arguments.of("{'$or':[{'prefix':['b']},{'a':['c']}]}", "$or[0].prefix"),
          Arguments.of("{'detail':{'$or':[{'a':['b']},{}]}}", "detail.$or[1]"),
          Arguments.of(
              "{'detail':{'$or':[{'a':['b']},{'c':[{'numeric':['<']}]}]}}",
              "detail.$or[1].c[0].numeric"));
    }

    @ParameterizedTest(name = "{0} at \"{1}\"")
    @MethodSource("invalid")
    void isRejectedNamingThePath(String pattern, String path) {
      InvalidEventPatternException e =
          assertThrows(InvalidEventPatternException.class, () -> EventPattern.parse(q(pattern)));
      assertEquals(path, e.path(), e::getMessage);
      assertTrue(e.getMessage().contains(path.isEmpty() ? "the top level" : path), e::getMessage);
      assertFalse(e.reason().isBlank());
    }

    @Test
    void messagesSayWhatIsWrong() {
      assertEquals(
          "Event pattern is not valid at detail.state[0].prefx: unknown operator \"prefx\"",
          assertThrows(
                  InvalidEventPatternException.class,
                  () -> EventPattern.parse(q("{'detail':{'state':[{'prefx':'a'}]}}")))
              .getMessage());
      assertEquals(
          "Event pattern is not valid at x[0].numeric: the lower bound 10 must be below the upper bound 5",
          assertThrows(
                  InvalidEventPatternException.class,
                  () -> EventPattern.parse(q("{'x':[{'numeric':['>',10,'<',5]}]}")))
              .getMessage());
      assertThrows(InvalidEventPatternException.class, () -> EventPattern.parse((String) null));
      assertThrows(InvalidEventPatternException.class, () -> EventPattern.parse(" "));
    }

    @Test
    void operatorNamesAreOrdinaryFieldsOutsideOr() {
      // Only inside $or is a field named like an operator taken for a misplaced operator.
      assertTrue(
          EventPattern.parse(q("{'detail':{'prefix':['a']}}"))
              .matches(q("{'detail':{'prefix':'a'}}")));
      assertEquals(
          "{\"source\":[\"aws.ecs\"]}",
          EventPattern.parse(q("{ 'source' : [ 'aws.ecs' ] }")).toString());
    }
  }
}
