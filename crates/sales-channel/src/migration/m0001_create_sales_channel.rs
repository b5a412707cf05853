use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "sales_channel_0001_create_sales_channel"
    }
}

#[derive(DeriveIden)]
enum SalesChannel {
    Table,
    Id,
    Name,
    Description,
    IsDisabled,
    Metadata,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(SalesChannel::Table)
                .col(
                    ColumnDef::new(SalesChannel::Id)
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(SalesChannel::Name).string().not_null())
                .col(ColumnDef::new(SalesChannel::Description).text().null())
                .col(
                    ColumnDef::new(SalesChannel::IsDisabled)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(ColumnDef::new(SalesChannel::Metadata).json_binary().null())
                .col(
                    ColumnDef::new(SalesChannel::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SalesChannel::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(SalesChannel::DeletedAt)
                        .timestamp_with_time_zone()
                        .null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("idx_sales_channel_deleted_at")
                .table(SalesChannel::Table)
                .col(SalesChannel::DeletedAt)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(SalesChannel::Table).to_owned())
            .await
    }
}
