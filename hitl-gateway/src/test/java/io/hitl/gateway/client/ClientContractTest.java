package io.hitl.gateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.client.contract.ErrorCodes;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.Role;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The client library's vocabulary says what the gateway says: statuses, decisions, roles and SEC codes. */
class ClientContractTest {

  @Test
  void enumsOfTheClientCarryTheGatewaysWireNames() {
    assertThat(names(io.hitl.client.ApprovalStatus.values())).isEqualTo(names(ApprovalStatus.values()));
    assertThat(Arrays.stream(io.hitl.client.ApprovalStatus.values()).map(io.hitl.client.ApprovalStatus::json))
      .containsExactlyElementsOf(Arrays.stream(ApprovalStatus.values()).map(ApprovalStatus::json).toList());
    assertThat(Arrays.stream(io.hitl.client.Decision.values()).map(io.hitl.client.Decision::json))
      .containsExactlyElementsOf(Arrays.stream(Decision.values()).map(Decision::json).toList());
    assertThat(Arrays.stream(io.hitl.client.Role.values()).map(io.hitl.client.Role::json))
      .containsExactlyElementsOf(Arrays.stream(Role.values()).map(Role::json).toList());
    for (ApprovalStatus s : ApprovalStatus.values()) {
      assertThat(io.hitl.client.ApprovalStatus.parse(s.json()).terminal()).as(s.name()).isEqualTo(s.terminal());
    }
  }

  @Test
  void everySecCodeOfTheGatewayIsAConstantOfTheClientAndNoneIsInvented() throws Exception {
    Set<String> client = Arrays.stream(ErrorCodes.class.getFields())
      .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
      .map(ClientContractTest::value).collect(Collectors.toSet());
    Set<String> gateway = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());
    assertThat(client).isEqualTo(gateway);
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(ErrorCodes.number(c.code())).isEqualTo(c.number());
    }
  }

  private static String value(Field f) {
    try {
      return (String) f.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Set<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).collect(Collectors.toSet());
  }
}
