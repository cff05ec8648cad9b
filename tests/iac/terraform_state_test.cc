// ParseTerraformState(): raw state v4 and `terraform show -json`, secrets removed.
#include "faultline/iac/terraform_state.h"

#include "gtest/gtest.h"

namespace faultline {
namespace {

TEST(TerraformStateTest, PasswordsAreNeverKept) {
  EXPECT_TRUE(LooksSecret("master_password"));
  EXPECT_FALSE(IsKeptAttribute("master_password"));
}

}  // namespace
}  // namespace faultline
