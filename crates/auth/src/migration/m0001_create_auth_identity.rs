use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "auth_0001_create_auth_identity"
    }
}

#[derive(DeriveIden)]
enum AuthIdentity {
    Table,
    Id,
    AppMetadata,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[derive(DeriveIden)]
enum ProviderIdentity {
    Table,
    Id,
    EntityId,
    Provider,
    AuthIdentityId,
    UserMetadata,
    ProviderMetadata,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuthIdentity::Table)
                .col(
                    ColumnDef::new(AuthIdentity::Id)
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(AuthIdentity::AppMetadata)
                        .json_binary()
                        .null(),
                )
                .col(
                    ColumnDef::new(AuthIdentity::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuthIdentity::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(AuthIdentity::DeletedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ProviderIdentity::Table)
                .col(
                    ColumnDef::new(ProviderIdentity::Id)
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(ProviderIdentity::EntityId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProviderIdentity::Provider)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProviderIdentity::AuthIdentityId)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProviderIdentity::UserMetadata)
                        .json_binary()
                        .null(),
                )
                .col(
                    ColumnDef::new(ProviderIdentity::ProviderMetadata)
                        .json_binary()
                        .null(),
                )
                .col(
                    ColumnDef::new(ProviderIdentity::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProviderIdentity::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(ProviderIdentity::DeletedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_provider_identity_auth_identity")
                        .from(ProviderIdentity::Table, ProviderIdentity::AuthIdentityId)
                        .to(AuthIdentity::Table, AuthIdentity::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // One identity per email and provider: this index is what makes two concurrent
        // registrations of one email end in one identity.
        m.create_index(
            Index::create()
                .name("idx_provider_identity_provider_entity_id")
                .table(ProviderIdentity::Table)
                .col(ProviderIdentity::EntityId)
                .col(ProviderIdentity::Provider)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_provider_identity_auth_identity_id")
                .table(ProviderIdentity::Table)
                .col(ProviderIdentity::AuthIdentityId)
                .to_owned(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(ProviderIdentity::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(AuthIdentity::Table).to_owned())
            .await?;
        Ok(())
    }
}
